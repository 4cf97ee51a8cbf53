"""A word-level redline between two texts (difflib over words and the spaces between them)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that is unchanged, deleted from the old text or inserted in the new."""

    kind: Literal["same", "deleted", "inserted"]
    text: str


def redline(old: str, new: str) -> list[Segment]:
    """Return the segments that turn ``old`` into ``new``, word by word."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            segments.append(Segment("same", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("deleted", "".join(before[a1:a2])))
        if b2 > b1:
            segments.append(Segment("inserted", "".join(after[b1:b2])))
    return segments
