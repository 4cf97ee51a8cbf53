"""Parsing what a member types: the body's size and marking, mentions and attachment ids."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from chancery.chat.enums import ATTACHMENTS_MAX
from chancery.platform.enums import Classification

MENTION = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9_][A-Za-z0-9_.+-]{0,149})")


def mentioned_usernames(text: str) -> list[str]:
    """Return the distinct ``@username`` mentions in ``text``, in order (a trailing dot is punctuation)."""
    found = [match.rstrip(".") for match in MENTION.findall(text)]
    return list(dict.fromkeys(name for name in found if name))


def body_errors(*, body: str, classification: int, ceiling: int) -> dict[str, list[str]]:
    """Return the field errors of a message (empty when acceptable); looks nothing up."""
    errors: dict[str, list[str]] = {}
    limit = settings.CHAT_MESSAGE_MAX_CHARS
    if not body.strip():
        errors.setdefault("body", []).append(_("Write a message."))
    elif len(body) > limit:
        message = _("The message is too long: at most %(limit)d characters.") % {"limit": limit}
        errors.setdefault("body", []).append(message)
    if classification not in Classification.values:
        errors.setdefault("classification", []).append(_("Choose a classification."))
    elif classification > ceiling:
        errors.setdefault("classification", []).append(
            _("This channel carries at most %(ceiling)s; the message is marked %(marking)s.")
            % {"ceiling": Classification(ceiling).label, "marking": Classification(classification).label}
        )
    return errors


def parse_attachment_ids(raw: str) -> list[int]:
    """Return the vault document ids in a comma- or space-separated string; ValueError for anything else."""
    values = [item for item in re.split(r"[\s,;]+", raw.strip()) if item]
    if any(not value.isdigit() or len(value) > 18 for value in values):
        msg = "attachment ids are numbers"
        raise ValueError(msg)
    return list(dict.fromkeys(int(value) for value in values))


def attachment_count_error(ids: list[int]) -> str | None:
    """Return the error for too many attachments, or None."""
    if len(ids) > ATTACHMENTS_MAX:
        return _("Attach at most %(n)d documents.") % {"n": ATTACHMENTS_MAX}
    return None
