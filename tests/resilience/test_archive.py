"""The backup archive format: round trip, wrong key, and every kind of damage refused."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.resilience.archive import ArchiveError, ArchiveKeyMismatch, ArchiveWriter, members_read
from chancery.resilience.backup_keys import (
    BackupKeyError,
    backup_keys_generate,
    backup_private_key_load,
    backup_public_key_load,
)
from chancery.vault import crypto


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("backup-keys")
    private, public = directory / "private.json", directory / "public.json"
    backup_keys_generate(private_path=private, public_path=public)
    return private, public


def _archive(public: Path, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    writer = ArchiveWriter(out=out, public_key=backup_public_key_load(public), meta={"vendor": "sqlite"})
    for name, data in members.items():
        writer.add_bytes(name, data)
    writer.close()
    return out.getvalue()


def _read_all(archive: bytes, private: Path) -> dict[str, bytes]:
    _header, members = members_read(io.BytesIO(archive), backup_private_key_load(private))
    return {member.name: member.reader.read() for member in members}


def test_round_trip_and_the_private_file_is_private(keys: tuple[Path, Path]) -> None:
    private, public = keys
    members = {"database/sqlite.sqlite3": os.urandom(3_000_000), "keys/secret-key": b"s3cret", "blobs/ab": b""}
    archive = _archive(public, members)
    assert _read_all(archive, private) == members
    assert b"s3cret" not in archive
    assert private.stat().st_mode & 0o077 == 0


def test_key_files_are_never_overwritten(keys: tuple[Path, Path]) -> None:
    private, public = keys
    with pytest.raises(FileExistsError):
        backup_keys_generate(private_path=private, public_path=public.with_name("other.json"))


def test_another_key_is_refused_before_decrypting(keys: tuple[Path, Path], tmp_path: Path) -> None:
    _private, public = keys
    other_private = tmp_path / "other-private.json"
    backup_keys_generate(private_path=other_private, public_path=tmp_path / "other-public.json")
    with pytest.raises(ArchiveKeyMismatch, match="encrypted to backup key"):
        _read_all(_archive(public, {"a": b"1"}), other_private)


def test_a_public_key_file_is_not_a_private_key(keys: tuple[Path, Path]) -> None:
    _private, public = keys
    with pytest.raises(BackupKeyError):
        backup_private_key_load(public)


@pytest.mark.parametrize("where", ["header", "capsule", "body", "end"])
def test_a_flipped_byte_anywhere_is_refused(keys: tuple[Path, Path], where: str) -> None:
    private, public = keys
    archive = bytearray(_archive(public, {"a": b"x" * 5000}))
    position = {
        "header": archive.index(b'"vendor"') + 2,
        "capsule": archive.index(b'"mlkem_ciphertext"') + 25,
        "body": len(archive) // 2 + 200,
        "end": len(archive) - 1,
    }[where]
    archive[position] ^= 0x01
    with pytest.raises(ArchiveError):
        _read_all(bytes(archive), private)


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_truncated_archive_is_refused(keys: tuple[Path, Path], cut: int) -> None:
    private, public = keys
    archive = _archive(public, {"a": b"y" * 4000})
    truncated = archive[: max(0, len(archive) - 1 - cut % len(archive))]
    with pytest.raises(ArchiveError):
        _read_all(truncated, private)


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_are_refused_cleanly(keys: tuple[Path, Path], data: bytes) -> None:
    private, _public = keys
    with pytest.raises(ArchiveError):
        _read_all(data, private)


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=300), max_size=12), chunk=st.integers(1, 64))
def test_the_push_sealer_matches_the_stream_format(sizes: list[int], chunk: int) -> None:
    key = crypto.generate_data_key()
    sealer = crypto.StreamSealer(key=key, context=b"ctx", chunk_size=chunk)
    pieces = [os.urandom(size) for size in sizes]
    sealed = sealer.header() + b"".join(sealer.write(piece) for piece in pieces) + sealer.close()
    opened = b"".join(crypto.decrypt_stream(io.BytesIO(sealed), key=key, context=b"ctx"))
    assert opened == b"".join(pieces)
