"""Tests for chancery_tlog.tiles (C2SP tlog-tiles)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog import merkle, store
from chancery_tlog.merkle import leaf_hash
from chancery_tlog.tiles import (
    MalformedTilePathError,
    Tile,
    entries_path,
    entry_bundle_bytes,
    new_tiles,
    parse_entry_bundle,
    parse_tile_bytes,
    parse_tile_path,
    tile_bytes,
    tile_for_node,
    tile_hash_ids,
    tile_path,
    tiles_for_size,
)


def test_spec_index_encoding_example() -> None:
    # tlog-tiles §Merkle Tree: "index 1234067 will be encoded as x001/x234/067".
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert parse_tile_path("tile/0/x001/x234/067") == Tile(0, 1234067, 256)


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ((0, 0), "tile/0/000"),
        ((0, 999), "tile/0/999"),
        ((0, 1000), "tile/0/x001/000"),
        ((1, 5, 17), "tile/1/005.p/17"),
        ((2, 0, 1), "tile/2/000.p/1"),
        ((63, 1_000_000), "tile/63/x001/x000/000"),
        ((0, 1234067, 255), "tile/0/x001/x234/067.p/255"),
    ],
)
def test_tile_paths(args: tuple[int, ...], path: str) -> None:
    assert tile_path(*args) == path
    level, index, *width = args
    assert parse_tile_path(path) == Tile(level, index, width[0] if width else 256)


def test_entries_paths() -> None:
    assert entries_path(1234067) == "tile/entries/x001/x234/067"
    assert entries_path(3, 8) == "tile/entries/003.p/8"
    tile = parse_tile_path("tile/entries/003.p/8")
    assert tile.is_entries
    assert tile.is_partial
    assert (tile.index, tile.width) == (3, 8)
    assert tile.path() == "tile/entries/003.p/8"


@pytest.mark.parametrize(
    "path",
    [
        "",
        "tile",
        "tile/0",
        "tile/0/",
        "tile/00/000",  # leading zero in level
        "tile/64/000",  # level out of range
        "tile/-1/000",
        "tile/0/0",  # index not zero padded
        "tile/0/0000",
        "tile/0/1234067",
        "tile/0/x000/001",  # superfluous leading group
        "tile/0/001/234",  # missing x
        "tile/0/x001/x234",  # last group with x
        "tile/0/xx01/234",
        "tile/0/000.p/256",  # full tile written as partial
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/0/000.p/",
        "tile/0/000.p",
        "tile/0/000/",
        "/tile/0/000",
        "tile/0/000.p/1/",
        "tile/entries/",
        "tile/entry/000",
        "tile/0/٠٠٠",  # noqa: RUF001 - non-ASCII digits
        "tiles/0/000",
        "tile/0/00a",
    ],
)
def test_non_canonical_paths_rejected(path: str) -> None:
    with pytest.raises(MalformedTilePathError):
        parse_tile_path(path)


def test_invalid_path_arguments() -> None:
    with pytest.raises(ValueError, match="level"):
        tile_path(64, 0)
    with pytest.raises(ValueError, match="non-negative"):
        tile_path(0, -1)
    with pytest.raises(ValueError, match="width"):
        tile_path(0, 0, 0)
    with pytest.raises(ValueError, match="width"):
        tile_path(0, 0, 257)


def test_spec_partial_tile_example_70000() -> None:
    # tlog-tiles §Partial Tiles: size 70,000 → 273 full level-0 tiles, one partial level-0
    # tile of width 112, one full level-1 tile, a partial level-1 tile of width 17 and a
    # partial level-2 tile of width 1.
    tiles = tiles_for_size(70000)
    level0 = [t for t in tiles if t.level == 0]
    assert [t for t in level0 if not t.is_partial] == [Tile(0, n) for n in range(273)]
    assert [t for t in level0 if t.is_partial] == [Tile(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [Tile(1, 0), Tile(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [Tile(2, 0, 1)]
    assert len(tiles) == 277


def test_spec_size_256_example() -> None:
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1".
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for_size(0) == []
    assert tiles_for_size(1) == [Tile(0, 0, 1)]


def test_new_tiles_matches_sumdb_behaviour() -> None:
    assert new_tiles(0, 300) == [Tile(0, 0), Tile(0, 1, 44), Tile(1, 0, 1)]
    assert new_tiles(300, 300) == []
    assert new_tiles(256, 300) == [Tile(0, 1, 44)]
    assert new_tiles(255, 256) == [Tile(0, 0), Tile(1, 0, 1)]
    with pytest.raises(ValueError, match="invalid"):
        new_tiles(5, 4)


LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(70000)]


def test_tile_contents_match_spec_formula() -> None:
    s = store.InMemoryNodeStore()
    store.TreeBuilder(s).extend(LEAVES)
    for tile in tiles_for_size(70000):
        ids = tile_hash_ids(tile)
        hashes = s.get_nodes(ids)
        # MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l]) for a sample of i.
        span = 256**tile.level
        for i in {0, tile.width - 1}:
            start = (tile.index * 256 + i) * span
            if span <= 256 or tile.width == 1:
                assert hashes[i] == merkle.root_hash(LEAVES[start : start + span])
        data = tile_bytes(hashes)
        assert len(data) == 32 * tile.width
        assert parse_tile_bytes(data, tile.width) == hashes
        start, end = tile.leaf_range()
        assert end <= 70000


def test_tile_for_node() -> None:
    assert tile_for_node((0, 5), 1000) == Tile(0, 0)
    assert tile_for_node((0, 999), 1000) == Tile(0, 3, 232)
    assert tile_for_node((3, 40), 1000) == Tile(0, 1)
    assert tile_for_node((8, 2), 1000) == Tile(1, 0, 3)
    with pytest.raises(ValueError, match="not part"):
        tile_for_node((0, 1000), 1000)


def test_tile_bytes_validation() -> None:
    with pytest.raises(ValueError, match="1 to 256"):
        tile_bytes([])
    with pytest.raises(ValueError, match="32 bytes"):
        tile_bytes([b"x"])
    with pytest.raises(ValueError, match="width"):
        parse_tile_bytes(b"\x00" * 33, 1)
    with pytest.raises(ValueError, match="entry bundles"):
        tile_hash_ids(Tile(-1, 0))


def test_entry_bundles() -> None:
    entries = [b"", b"a", b"x" * 300]
    data = entry_bundle_bytes(entries)
    assert data[:2] == b"\x00\x00"
    assert data[2:5] == b"\x00\x01a"
    assert parse_entry_bundle(data) == entries
    with pytest.raises(ValueError, match="truncated"):
        parse_entry_bundle(data[:-1])
    with pytest.raises(ValueError, match="truncated"):
        parse_entry_bundle(b"\x00")
    with pytest.raises(ValueError, match="65535"):
        entry_bundle_bytes([b"x" * 65536])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 63), st.integers(0, 10**15), st.integers(1, 256), st.booleans())
def test_path_round_trip(level: int, index: int, width: int, entries: bool) -> None:
    path = entries_path(index, width) if entries else tile_path(level, index, width)
    tile = parse_tile_path(path)
    assert tile.index == index
    assert tile.width == width
    assert tile.level == (-1 if entries else level)
    assert tile.path() == path


PATH_CHARS = st.sampled_from(list("tile/entrsx0123456789.p-"))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(PATH_CHARS, max_size=30).map(lambda s: "tile/" + s)))
def test_path_parser_only_raises_malformed(path: str) -> None:
    try:
        tile = parse_tile_path(path)
    except MalformedTilePathError:
        return
    assert tile.path() == path


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**40), st.integers(0, 2**18))
def test_new_tiles_cover_growth(old: int, delta: int) -> None:
    new = old + delta
    tiles = new_tiles(old, new)
    # Every tile level-L partial width is floor(new / 256**L) mod 256 (tlog-tiles §Partial Tiles).
    for tile in tiles:
        if tile.is_partial:
            assert tile.width == (new >> (8 * tile.level)) % 256
    assert len({(t.level, t.index) for t in tiles}) == len(tiles)
