"""Near-duplicate detection (MinHash with LSH banding) and story clustering, as pure batch functions.

Near duplicates are texts whose word-shingle sets overlap by at least a Jaccard threshold (the same wire
story re-published with another headline or footer). A MinHash signature of ``num_perm`` 64-bit minima
estimates the Jaccard similarity; LSH banding finds candidate pairs without comparing every pair, and each
candidate is confirmed on the exact shingle sets, so no false positive survives.

Stories are looser: articles on the same event share rare words. :func:`stories_cluster` groups texts whose
tf-idf vectors (hashed word uni- and bigrams, idf from the batch) have a cosine similarity of at least a
threshold to a cluster's centroid (leader clustering, in input order: deterministic).
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from chancery_analytics.nlp.tokenise import word_tokens

__all__ = ["DuplicatePair", "duplicate_groups", "minhash_signatures", "near_duplicates", "stories_cluster"]

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_SALT = np.uint64(0xD6E8FEB86659FD93)
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_TERMS = 40


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    values = values ^ (values >> np.uint64(31))
    values = values * _SALT
    return values ^ (values >> np.uint64(29))


def shingles(text: str, *, size: int = 4) -> npt.NDArray[np.uint64]:
    """Return the sorted unique 64-bit hashes of ``text``'s word ``size``-shingles (case-folded words).

    A text with fewer than ``size`` words is one shingle of all its words; an empty text has none.
    """
    words = word_tokens(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    width = min(size, len(words))
    grams = {" ".join(words[i : i + width]) for i in range(len(words) - width + 1)}
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    hashes = hashes | (np.fromiter((len(g) for g in grams), dtype=np.uint64, count=len(grams)) << np.uint64(32))
    return np.unique(_mix(hashes))


def _salts(num_perm: int, seed: int) -> npt.NDArray[np.uint64]:
    base = np.arange(1, num_perm + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return _mix(base ^ np.uint64(seed))


def minhash_signatures(
    sets: Sequence[npt.NDArray[np.uint64]], *, num_perm: int = 64, seed: int = 1
) -> npt.NDArray[np.uint64]:
    """Return an ``(len(sets), num_perm)`` array of MinHash minima (all-ones for an empty set).

    Each permutation is a 64-bit mix of the shingle hash xor a per-permutation salt; deterministic for a seed.
    """
    salts = _salts(num_perm, seed)
    result = np.full((len(sets), num_perm), _EMPTY, dtype=np.uint64)
    for row, hashes in enumerate(sets):
        if len(hashes):
            result[row] = _mix(hashes[:, None] ^ salts[None, :]).min(axis=0)
    return result


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two texts (``first`` < ``second``, indices into the batch) and their exact shingle Jaccard similarity."""

    first: int
    second: int
    similarity: float


def _jaccard(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    union = len(np.union1d(a, b))
    return len(np.intersect1d(a, b, assume_unique=True)) / union if union else 0.0


def near_duplicates(
    texts: Sequence[str], *, threshold: float = 0.8, num_perm: int = 64, bands: int = 16, shingle_size: int = 4
) -> list[DuplicatePair]:
    """Return every pair of texts whose word-shingle Jaccard similarity is at least ``threshold``.

    Needs ``num_perm`` divisible by ``bands``. Candidates come from LSH banding of MinHash signatures and are
    confirmed on the exact shingle sets; pairs are sorted by ``(first, second)``. Empty texts pair with nothing.
    With the defaults (16 bands of 4 rows) a pair at Jaccard 0.8 is found with probability above 0.999.
    """
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    sets = [shingles(text, size=shingle_size) for text in texts]
    signatures = minhash_signatures(sets, num_perm=num_perm)
    rows = num_perm // bands
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        for index, hashes in enumerate(sets):
            if len(hashes):
                buckets.setdefault(block[index].tobytes(), []).append(index)
        for members in buckets.values():
            for i, first in enumerate(members):
                candidates.update((first, second) for second in members[i + 1 :])
    pairs = []
    for first, second in sorted(candidates):
        similarity = _jaccard(sets[first], sets[second])
        if similarity >= threshold:
            pairs.append(DuplicatePair(first, second, round(similarity, 4)))
    return pairs


def _groups(count: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    members: dict[int, list[int]] = {}
    for node in range(count):
        members.setdefault(find(node), []).append(node)
    return list(members.values())


def duplicate_groups(texts: Sequence[str], *, threshold: float = 0.8) -> list[list[int]]:
    """Return the groups of near-duplicate texts (transitively joined), each sorted, ordered by first member.

    Every text is in exactly one group; a text without a near duplicate is a group of one.
    """
    pairs = near_duplicates(texts, threshold=threshold)
    return _groups(len(texts), [(p.first, p.second) for p in pairs])


def _story_vectors(texts: Sequence[str], n_features: int) -> list[dict[int, float]]:
    bags: list[dict[int, int]] = []
    frequency: dict[int, int] = {}
    for text in texts:
        words = word_tokens(text)
        grams = [w for w in words if len(w) > 1] + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        bag: dict[int, int] = {}
        for gram in grams:
            key = zlib.crc32(gram.encode("utf-8")) & (n_features - 1)
            bag[key] = bag.get(key, 0) + 1
        bags.append(bag)
        for key in bag:
            frequency[key] = frequency.get(key, 0) + 1
    n = len(texts)
    vectors = []
    for bag in bags:
        # Terms in a single document carry no cluster evidence; very common terms carry little.
        weights = {
            k: (1 + math.log(c)) * math.log((1 + n) / (1 + frequency[k])) for k, c in bag.items() if frequency[k] > 1
        }
        # The strongest terms only: they carry the story, and they keep the inverted index short.
        vector = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:_TERMS])
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors.append({k: v / norm for k, v in vector.items()} if norm else {})
    return vectors


def stories_cluster(texts: Sequence[str], *, threshold: float = 0.35, n_features: int = 1 << 20) -> list[list[int]]:
    """Return story clusters: sorted lists of indices into ``texts``, largest first (ties: earliest first).

    Near duplicates (:func:`duplicate_groups`) are joined first. Then each group, in input order, joins the
    existing cluster whose centroid is most similar (cosine of batch tf-idf vectors of hashed word uni- and
    bigrams) when that similarity is at least ``threshold``, else starts a new cluster. Deterministic; every
    index appears exactly once.
    """
    groups = duplicate_groups(texts)
    vectors = _story_vectors([texts[group[0]] for group in groups], n_features)
    postings: dict[int, dict[int, float]] = {}  # bucket -> {cluster: summed weight}
    norms: list[float] = []  # squared norm of each cluster's summed vector
    clusters: list[list[int]] = []
    for group, vector in zip(groups, vectors, strict=True):
        dots: dict[int, float] = {}
        for key, value in vector.items():
            for cluster, weight in postings.get(key, {}).items():
                dots[cluster] = dots.get(cluster, 0.0) + value * weight
        best, best_score = -1, threshold
        for cluster, dot in sorted(dots.items()):
            score = dot / math.sqrt(norms[cluster]) if norms[cluster] else 0.0
            if score >= best_score:
                best, best_score = cluster, score
        if best < 0:
            best = len(clusters)
            clusters.append([])
            norms.append(0.0)
        clusters[best].extend(group)
        for key, value in vector.items():
            entry = postings.setdefault(key, {})
            old = entry.get(best, 0.0)
            entry[best] = old + value
            norms[best] += (old + value) ** 2 - old * old
    return sorted((sorted(members) for members in clusters), key=lambda members: (-len(members), members[0]))
