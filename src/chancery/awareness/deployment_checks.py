"""Awareness's item of ``chancery check``: the phishing reporting mailbox's configuration."""

from __future__ import annotations

import stat
from pathlib import Path

from django.conf import settings

from chancery.platform.deployment import CheckItem, register_check

NAME = "Phishing reporting mailbox"


def check_reporting_mailbox() -> CheckItem:
    """Passes when no mailbox is configured (said plainly), or when its user and password file are usable.

    The password file must be readable and not readable by group or others. The server is not contacted.
    """
    host = str(getattr(settings, "AWARENESS_IMAP_HOST", "") or "")
    if not host:
        return CheckItem(
            NAME, passed=True, detail="Not configured: staff report phishing in the app only.", warning=True
        )
    user = str(getattr(settings, "AWARENESS_IMAP_USER", "") or "")
    password_file = str(getattr(settings, "AWARENESS_IMAP_PASSWORD_FILE", "") or "")
    if not user or not password_file:
        return CheckItem(NAME, passed=False, detail="Set CHANCERY_AWARENESS_IMAP_USER and _PASSWORD_FILE.")
    path = Path(password_file)
    try:
        mode = path.stat().st_mode
        readable = bool(path.read_text(encoding="utf-8").strip())
    except OSError:
        return CheckItem(NAME, passed=False, detail="The password file cannot be read.")
    if not readable:
        return CheckItem(NAME, passed=False, detail="The password file is empty.")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return CheckItem(NAME, passed=False, detail="The password file is readable by others: chmod 600 it.")
    port = getattr(settings, "AWARENESS_IMAP_PORT", 993)
    return CheckItem(NAME, passed=True, detail=f"{host}:{port} over TLS as {user}, polled every 5 minutes.")


register_check(NAME, check_reporting_mailbox)
