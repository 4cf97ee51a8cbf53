"""``chancery manage export_openapi``: write (or ``--check``) the committed OpenAPI snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chancery.platform.api.snapshot import REGENERATE_HINT, SNAPSHOT_PATH, openapi_render


class Command(BaseCommand):
    """Write the API's OpenAPI 3.1 document to ``docs/openapi.json``."""

    help = "Write the API's OpenAPI document to docs/openapi.json (or check that it is current)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Accept ``--output`` and ``--check``."""
        parser.add_argument("--output", type=Path, default=SNAPSHOT_PATH, help="where to write the document")
        parser.add_argument("--check", action="store_true", help="exit non-zero if the file is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        """Render the document in English and write it, or compare it with the file."""
        output: Path = options["output"]
        with translation.override("en"):
            text = openapi_render()
        if options["check"]:
            current = output.read_text(encoding="utf-8") if output.is_file() else ""
            if current != text:
                msg = f"{output} is out of date: run `{REGENERATE_HINT}`."
                raise CommandError(msg)
            self.stdout.write(f"{output} is up to date.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}.")
