"""What a drafter submits, its validation, and the canonical JSON a released cable is hashed over."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from django.conf import settings
from django.utils.translation import gettext as _

from chancery.platform.enums import Classification

SUBJECT_MAX = 200
PARAGRAPHS_MAX = 50
TAGS_MAX = 12
CAPTIONS_MAX = 5
CAPTION_MAX = 64
ADDRESSEES_MAX = 50
ATTACHMENTS_MAX = 20
TAG = re.compile(r"^[A-Z]{2,6}$")


@dataclass(frozen=True, slots=True)
class ParagraphIn:
    """One paragraph as drafted: its portion marking and its text (safe Markdown subset)."""

    classification: int
    text: str


@dataclass(frozen=True, slots=True)
class CableContent:
    """Everything the drafter writes; addressees, clearers are organisation codes, references cable ids."""

    subject: str
    classification: int
    precedence: str
    paragraphs: list[ParagraphIn]
    action_codes: list[str]
    info_codes: list[str] = field(default_factory=list)
    clearer_codes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    reference_ids: list[int] = field(default_factory=list)
    compartment_codes: list[str] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _text_errors(content: CableContent, errors: dict[str, list[str]]) -> None:
    subject = content.subject.strip()
    if not subject:
        _add(errors, "subject", _("A cable needs a subject."))
    elif len(subject) > SUBJECT_MAX:
        _add(errors, "subject", _("Use at most %(limit)d characters.") % {"limit": SUBJECT_MAX})
    paragraphs = [p for p in content.paragraphs if p.text.strip()]
    if not paragraphs:
        _add(errors, "paragraphs", _("A cable needs at least one paragraph."))
    if len(paragraphs) > PARAGRAPHS_MAX:
        _add(errors, "paragraphs", _("Use at most %(limit)d paragraphs.") % {"limit": PARAGRAPHS_MAX})
    if sum(len(p.text) for p in paragraphs) > settings.CABLE_MAX_BODY_CHARS:
        limit = settings.CABLE_MAX_BODY_CHARS
        _add(errors, "paragraphs", _("The body is too long: at most %(limit)d characters.") % {"limit": limit})
    for number, paragraph in enumerate(paragraphs, start=1):
        if paragraph.classification not in Classification.values:
            _add(errors, "paragraphs", _("Paragraph %(number)d has no valid marking.") % {"number": number})
        elif paragraph.classification > content.classification:
            _add(errors, "paragraphs", _("Paragraph %(number)d is marked higher than the cable.") % {"number": number})


def _routing_errors(content: CableContent, errors: dict[str, list[str]]) -> None:
    if content.classification not in Classification.values:
        _add(errors, "classification", _("Choose a classification."))
    if content.precedence not in settings.CABLE_PRECEDENCES:
        _add(errors, "precedence", _("Choose a precedence."))
    if not content.action_codes:
        _add(errors, "action_codes", _("A cable needs at least one action addressee."))
    if len(content.action_codes) + len(content.info_codes) > ADDRESSEES_MAX:
        _add(errors, "action_codes", _("Too many addressees."))
    if set(content.action_codes) & set(content.info_codes):
        _add(errors, "info_codes", _("An addressee is either for action or for information, not both."))
    if any(not TAG.match(tag) for tag in content.tags) or len(content.tags) > TAGS_MAX:
        message = _("TAGS are 2-6 capital letters (e.g. PREL, ECON, VN), at most %(n)d.") % {"n": TAGS_MAX}
        _add(errors, "tags", message)
    if len(content.captions) > CAPTIONS_MAX or any(len(c) > CAPTION_MAX for c in content.captions):
        message = _("At most %(n)d captions of %(m)d characters.") % {"n": CAPTIONS_MAX, "m": CAPTION_MAX}
        _add(errors, "captions", message)
    if len(content.attachment_ids) > ATTACHMENTS_MAX:
        _add(errors, "attachment_ids", _("At most %(n)d attachments.") % {"n": ATTACHMENTS_MAX})


def content_errors(content: CableContent) -> dict[str, list[str]]:
    """Return the field errors of ``content`` (empty when it is acceptable); looks nothing up."""
    errors: dict[str, list[str]] = {}
    _text_errors(content, errors)
    _routing_errors(content, errors)
    return errors


def normalised(content: CableContent) -> CableContent:
    """Return ``content`` with blanks dropped, paragraphs renumbered and lists de-duplicated in order."""

    def unique(values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))

    return CableContent(
        subject=content.subject.strip(),
        classification=content.classification,
        precedence=content.precedence,
        paragraphs=[ParagraphIn(p.classification, p.text.strip()) for p in content.paragraphs if p.text.strip()],
        action_codes=unique(content.action_codes),
        info_codes=unique(content.info_codes),
        clearer_codes=unique(content.clearer_codes),
        tags=unique([t.upper() for t in content.tags]),
        captions=unique(content.captions),
        reference_ids=sorted(set(content.reference_ids)),
        compartment_codes=sorted(set(unique(content.compartment_codes))),
        attachment_ids=list(dict.fromkeys(content.attachment_ids)),
    )


def canonical_sha256(document: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of ``document`` in RFC 8785 canonical JSON."""
    return hashlib.sha256(rfc8785.dumps(document)).hexdigest()
