"""The demo logins: what ``var/demo-credentials.json`` holds and how the table of logins is printed."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

CREDENTIALS_FILE = "demo-credentials.json"


@dataclass(frozen=True, slots=True)
class DemoCredential:
    """One demo user's login: password, TOTP secret (base32), role, clearance name, organisation code."""

    username: str
    password: str
    totp_secret: str
    role: str
    clearance: str
    organisation: str


_FIELD_NAMES = tuple(field.name for field in fields(DemoCredential))


def credentials_read(path: Path) -> dict[str, DemoCredential]:
    """Return the credentials stored at ``path`` by username (empty when the file is missing or unreadable)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(rows, list):
        return {}
    found: dict[str, DemoCredential] = {}
    for row in rows:
        try:
            credential = DemoCredential(**{key: str(row[key]) for key in _FIELD_NAMES})
        except (KeyError, TypeError):
            continue
        found[credential.username] = credential
    return found


def credentials_write(path: Path, credentials: list[DemoCredential]) -> None:
    """Write ``credentials`` to ``path`` atomically, readable by the owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".demo-credentials-", dir=path.parent)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump([asdict(credential) for credential in credentials], handle, ensure_ascii=False, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


TABLE_MIN_WIDTH = 130
"""Below this console width the logins are printed as one block per user, so that no secret wraps."""


def print_credentials(credentials: list[DemoCredential], console: Console) -> None:
    """Print the demo logins (username, password, TOTP secret, role, clearance, organisation).

    A table on wide consoles; one block per user on narrow ones. Secrets are never wrapped or cut.
    """
    title = "Chancery demo logins (sign in with the password, then a TOTP code from the secret)"
    if console.width < TABLE_MIN_WIDTH:
        console.print(f"[bold]{title}[/]")
        for credential in credentials:
            console.print(
                f"[bold]{escape(credential.username)}[/] ({escape(credential.role)}, {escape(credential.clearance)}, "
                f"{escape(credential.organisation)})",
            )
            console.print(f"  password:    {escape(credential.password)}", soft_wrap=True)
            console.print(f"  TOTP secret: {escape(credential.totp_secret)}", soft_wrap=True)
        return
    table = Table(title=title)
    for column in ("Username", "Password", "TOTP secret", "Role", "Clearance", "Organisation"):
        table.add_column(column, no_wrap=True)
    for credential in credentials:
        table.add_row(
            *(
                escape(value)
                for value in (
                    credential.username,
                    credential.password,
                    credential.totp_secret,
                    credential.role,
                    credential.clearance,
                    credential.organisation,
                )
            ),
        )
    console.print(table)
