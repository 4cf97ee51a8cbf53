"""C2SP tlog-tiles: tile paths, tile contents and the tiles of a tree.

Per https://c2sp.org/tlog-tiles §Merkle Tree, tiles are 256 hashes wide
(tile height 8).  The ``n``-th tile at level ``l`` holds, for ``i`` in
``0..255``, ``MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l])`` —
i.e. the hashes of the perfect subtrees of height ``8*l`` with node ids
``(8*l, n*256 + i)`` in :mod:`chancery_tlog.merkle` terms, which is exactly
what :class:`chancery_tlog.store.NodeStore` keeps.  The partial tile at
level ``l`` of a tree of size ``s`` has ``floor(s / 256**l) mod 256``
hashes; empty tiles do not exist.

Paths: ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]`` where
``<N>`` is written in zero-padded 3-digit groups, all but the last prefixed
with ``x`` (``1234067`` → ``x001/x234/067``).  :func:`parse_tile_path` is the
strict inverse of :func:`tile_path` / :func:`entries_path` and rejects every
non-canonical spelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .merkle import HASH_SIZE, NodeID

__all__ = [
    "MAX_LEVEL",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "MalformedTilePathError",
    "Tile",
    "entries_path",
    "entry_bundle_bytes",
    "new_tiles",
    "parse_entry_bundle",
    "parse_tile_bytes",
    "parse_tile_path",
    "tile_bytes",
    "tile_for_node",
    "tile_hash_ids",
    "tile_path",
    "tiles_for_size",
]

TILE_HEIGHT = 8
"""Tile height: each tile spans 8 levels of the Merkle tree."""

TILE_WIDTH = 1 << TILE_HEIGHT
"""Full tiles hold 256 hashes (8,192 bytes)."""

MAX_LEVEL = 63
"""tlog-tiles: ``<L>`` is between 0 and 63."""

ENTRIES_LEVEL = -1
"""Pseudo-level used by :class:`Tile` for entry bundles (``tile/entries/...``)."""

_LEVEL_RE = re.compile("0|[1-9][0-9]?")
_WIDTH_RE = re.compile("[1-9][0-9]{0,2}")
_GROUP_RE = re.compile("[0-9]{3}")


class MalformedTilePathError(ValueError):
    """A tile path is not in canonical tlog-tiles form."""


@dataclass(frozen=True, order=True)
class Tile:
    """A tile (``level >= 0``) or entry bundle (``level == -1``): index and width."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        for value in (self.level, self.index, self.width):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("tile fields must be integers")
        if not ENTRIES_LEVEL <= self.level <= MAX_LEVEL:
            raise ValueError("tile level must be between 0 and 63")
        if self.index < 0:
            raise ValueError("tile index must be non-negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise ValueError("tile width must be between 1 and 256")

    @property
    def is_entries(self) -> bool:
        """Whether this is an entry bundle rather than a hash tile."""
        return self.level == ENTRIES_LEVEL

    @property
    def is_partial(self) -> bool:
        """Whether the tile holds fewer than 256 hashes / entries."""
        return self.width < TILE_WIDTH

    def path(self) -> str:
        """The tile's URL path (without the log prefix)."""
        if self.is_entries:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)

    def leaf_range(self) -> tuple[int, int]:
        """Leaves ``[start, end)`` spanned by the hashes actually present."""
        level = max(self.level, 0)
        span = 1 << (TILE_HEIGHT * level)
        start = self.index * TILE_WIDTH * span
        return start, start + self.width * span


def _encode_index(index: int) -> str:
    """tlog-tiles §Merkle Tree ``<N>`` encoding."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("tile index must be a non-negative integer")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def _suffix(width: int) -> str:
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= TILE_WIDTH:
        raise ValueError("tile width must be between 1 and 256")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` for a hash tile (``.p/<W>`` only if ``W < 256``)."""
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
        raise ValueError("tile level must be between 0 and 63")
    return f"tile/{level}/{_encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]`` for an entry bundle."""
    return f"tile/entries/{_encode_index(index)}{_suffix(width)}"


def parse_tile_path(path: str) -> Tile:
    """Strictly parse a tile or entry-bundle path into a :class:`Tile`.

    Entry bundles get ``level == -1``.  Any non-canonical form (leading
    zeroes in ``<L>`` or ``<W>``, a missing or superfluous ``x`` group, a
    ``.p/256`` suffix, a zero-valued leading group, ...) raises
    :class:`MalformedTilePathError`.
    """
    if not isinstance(path, str) or not path.isascii():
        raise MalformedTilePathError("tile path must be an ASCII string")
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise MalformedTilePathError("not a tile path")
    level_part = parts[1]
    rest = parts[2:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        width_part = rest[-1]
        if not _WIDTH_RE.fullmatch(width_part) or int(width_part) >= TILE_WIDTH:
            raise MalformedTilePathError("invalid partial tile width")
        width = int(width_part)
        rest = [*rest[:-2], rest[-2][:-2]]
    *high, last = rest
    if not _GROUP_RE.fullmatch(last):
        raise MalformedTilePathError("invalid tile index")
    digits = []
    for group in high:
        if len(group) != 4 or group[0] != "x" or not _GROUP_RE.fullmatch(group[1:]):
            raise MalformedTilePathError("invalid tile index group")
        digits.append(group[1:])
    digits.append(last)
    index = int("".join(digits))
    if level_part == "entries":
        level = ENTRIES_LEVEL
    elif _LEVEL_RE.fullmatch(level_part) and int(level_part) <= MAX_LEVEL:
        level = int(level_part)
    else:
        raise MalformedTilePathError("invalid tile level")
    tile = Tile(level, index, width)
    if tile.path() != path:
        raise MalformedTilePathError("non-canonical tile path")
    return tile


def tile_hash_ids(tile: Tile) -> list[NodeID]:
    """Node ids ``(8*L, N*256 + i)`` of the hashes held by a hash tile."""
    if tile.is_entries:
        raise ValueError("entry bundles hold entries, not hashes")
    level = TILE_HEIGHT * tile.level
    base = tile.index * TILE_WIDTH
    return [(level, base + i) for i in range(tile.width)]


def tile_for_node(node: NodeID, size: int) -> Tile:
    """Return the tile of a tree of ``size`` leaves that holds node ``(level, index)``.

    Nodes whose level is a multiple of 8 are stored hashes of the tile; other
    nodes are recomputed from the tile at the level below.
    """
    level, index = node
    if level < 0 or index < 0 or (index + 1) << level > size:
        raise ValueError("node is not part of the tree")
    tile_level = level // TILE_HEIGHT
    # Index of the hash at tile_level*8 under the leftmost leaf of the node.
    base = index << (level - TILE_HEIGHT * tile_level)
    tile_index = base >> TILE_HEIGHT
    available = size >> (TILE_HEIGHT * tile_level)
    width = min(TILE_WIDTH, available - tile_index * TILE_WIDTH)
    return Tile(tile_level, tile_index, width)


def new_tiles(old_size: int, new_size: int) -> list[Tile]:
    """Tiles that must be (re)written when the tree grows from ``old_size`` to ``new_size``.

    Same algorithm as golang.org/x/mod/sumdb/tlog ``NewTiles`` with height 8:
    every full tile completed and the new partial tile at each level.
    """
    if (
        isinstance(old_size, bool)
        or isinstance(new_size, bool)
        or not isinstance(old_size, int)
        or not isinstance(new_size, int)
        or not 0 <= old_size <= new_size
    ):
        raise ValueError("invalid sizes")
    tiles: list[Tile] = []
    level = 0
    while new_size >> (TILE_HEIGHT * level) > 0:
        old_n = old_size >> (TILE_HEIGHT * level)
        new_n = new_size >> (TILE_HEIGHT * level)
        if old_n != new_n:
            tiles.extend(Tile(level, n, TILE_WIDTH) for n in range(old_n >> TILE_HEIGHT, new_n >> TILE_HEIGHT))
            n = new_n >> TILE_HEIGHT
            width = new_n - (n << TILE_HEIGHT)
            if width > 0:
                tiles.append(Tile(level, n, width))
        level += 1
    return tiles


def tiles_for_size(size: int) -> list[Tile]:
    """All tiles (full and partial) of a tree of ``size`` leaves.

    E.g. size 70,000 → 273 full + one ``.p/112`` level-0 tile, one full and
    one ``.p/17`` level-1 tile, one ``.p/1`` level-2 tile (tlog-tiles
    §Partial Tiles).
    """
    return new_tiles(0, size)


def tile_bytes(hashes: Sequence[bytes]) -> bytes:
    """Serialize a tile: the concatenation of its 1..256 32-byte hashes."""
    if not 1 <= len(hashes) <= TILE_WIDTH:
        raise ValueError("a tile holds 1 to 256 hashes")
    for h in hashes:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ValueError("tile hashes must be 32 bytes")
    return b"".join(hashes)


def parse_tile_bytes(data: bytes, width: int = TILE_WIDTH) -> list[bytes]:
    """Split tile contents into hashes, checking the expected width."""
    if not isinstance(data, (bytes, bytearray)) or len(data) != width * HASH_SIZE:
        raise ValueError("tile data does not match the tile width")
    return [bytes(data[i : i + HASH_SIZE]) for i in range(0, len(data), HASH_SIZE)]


def entry_bundle_bytes(entries: Sequence[bytes]) -> bytes:
    """tlog-tiles §Log entries: big-endian uint16 length-prefixed entries."""
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise ValueError("a bundle holds 1 to 256 entries")
    out = bytearray()
    for e in entries:
        if len(e) > 0xFFFF:
            raise ValueError("entries are limited to 65535 bytes")
        out += len(e).to_bytes(2, "big") + e
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Parse an entry bundle; raises ``ValueError`` on truncation or overflow."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated entry length")
        n = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + n > len(data):
            raise ValueError("truncated entry")
        entries.append(bytes(data[pos : pos + n]))
        pos += n
        if len(entries) > TILE_WIDTH:
            raise ValueError("too many entries in bundle")
    return entries
