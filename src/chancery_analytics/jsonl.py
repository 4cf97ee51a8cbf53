"""Reading annotate's input: one JSON object per line with ``id`` and ``text``; bad lines are reported, not fatal."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A record to enrich: its ``id`` (kept as given, a string or an integer), text and optional language hint."""

    id: str | int
    text: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line that was skipped: its 1-based line number, the id when one could be read, and why."""

    line: int
    reason: str
    id: str | int | None = None


def _parse(number: int, line: str) -> InputRecord | Rejected:  # noqa: PLR0911 (one return per reason)
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return Rejected(line=number, reason=f"not valid JSON ({error.__class__.__name__})")
    if not isinstance(data, dict):
        return Rejected(line=number, reason="not a JSON object")
    record_id = data.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, str | int) or record_id == "":
        return Rejected(line=number, reason="missing or invalid 'id' (a non-empty string or an integer)")
    text = data.get("text")
    if not isinstance(text, str):
        return Rejected(line=number, reason="missing or invalid 'text' (a string)", id=record_id)
    if len(text) > MAX_TEXT_CHARS:
        return Rejected(line=number, reason=f"'text' longer than {MAX_TEXT_CHARS} characters", id=record_id)
    lang = data.get("lang")
    if lang is not None and not (isinstance(lang, str) and 2 <= len(lang) <= 3 and lang.isalpha()):
        return Rejected(line=number, reason="invalid 'lang' (an ISO 639-1 code)", id=record_id)
    return InputRecord(id=record_id, text=text, lang=lang.lower() if lang else None)


def records_read(lines: Iterable[str]) -> Iterator[InputRecord | Rejected]:
    """Yield an :class:`InputRecord` per good line and a :class:`Rejected` per bad one; never raise on content.

    Blank lines are skipped silently.
    """
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _parse(number, line)
