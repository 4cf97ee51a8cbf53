"""A small reader for GNU gettext .po files (enough for Django's catalogues; no third-party parser needed)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One message: its context, id, plural id, translations and flags."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The key gettext looks the message up by (context, EOT, id)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and not self.fuzzy


def read_po(path: Path) -> list[Entry]:
    """Parse ``path`` (entries separated by blank lines, as makemessages writes them); header first."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry()
        field_name: str | None = None
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
                continue
            if not line or line.startswith("#"):
                continue
            if not line.startswith('"'):
                field_name, _, line = line.partition(" ")
            _append(entry, field_name, ast.literal_eval(line))
        if field_name is not None:
            entries.append(entry)
    return entries


def _append(entry: Entry, field_name: str | None, value: str) -> None:
    if field_name == "msgid":
        entry.msgid += value
    elif field_name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif field_name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    elif field_name == "msgstr":
        entry.msgstr[0] = entry.msgstr.get(0, "") + value
    elif field_name is not None and field_name.startswith("msgstr["):
        index = int(field_name[len("msgstr[") : -1])
        entry.msgstr[index] = entry.msgstr.get(index, "") + value


def messages(path: Path) -> dict[str, Entry]:
    """Return the live (not obsolete) messages of ``path`` by gettext key, without the header."""
    return {entry.key: entry for entry in read_po(path) if entry.msgid and not entry.obsolete}
