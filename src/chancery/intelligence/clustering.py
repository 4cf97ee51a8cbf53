"""Grouping near-duplicate stories for briefs: word shingles and Jaccard similarity, greedy single pass.

Texts are folded (no diacritics, lower case) and cut into overlapping 3-word shingles; a story joins the first
cluster whose lead story shares at least ``threshold`` of their shingles (Jaccard), else it starts its own.
Stories arrive best-first, so each cluster is led by its best story. Deterministic; O(n * clusters).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from chancery.vault.search import fold

SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """Return the set of ``size``-word shingles of ``text`` (the words themselves when it is shorter)."""
    words = _WORD.findall(fold(text))
    if len(words) < size:
        return frozenset(words)
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    """Return the size of the intersection over the size of the union (0 for two empty sets)."""
    union = len(left | right)
    return len(left & right) / union if union else 0.0


@dataclass(slots=True)
class Cluster:
    """Indices of the stories in one cluster; the first is the lead."""

    members: list[int] = field(default_factory=list)
    lead_shingles: frozenset[str] = frozenset()


def cluster_texts(texts: Sequence[str], *, threshold: float = 0.3) -> list[list[int]]:
    """Group ``texts`` (best first) into near-duplicate clusters; return each cluster's indices, leads first."""
    clusters: list[Cluster] = []
    for index, text in enumerate(texts):
        grams = shingles(text)
        for cluster in clusters:
            if grams and jaccard(grams, cluster.lead_shingles) >= threshold:
                cluster.members.append(index)
                break
        else:
            clusters.append(Cluster(members=[index], lead_shingles=grams))
    return [cluster.members for cluster in clusters]
