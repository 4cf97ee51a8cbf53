"""The keyring file (0600, generated at first use, rotation, retirement) and the atomic blob store."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from chancery.vault import crypto
from chancery.vault.blobs import BlobNotFound, LocalBlobStore, check_key
from chancery.vault.keyring import KeyringError, keyring_add_active, keyring_load, keyring_retire


def test_keyring_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "k" / "keyring.json"
    first = keyring_load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keyring_load(path).active().id == first.active().id
    assert len(first.keys) == 1


def test_rotation_keeps_old_keys_for_unwrapping_and_retirement_erases_material(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    old_id, wrapped = keyring_load(path).wrap(b"k" * 32, context=b"v1")
    new = keyring_add_active(path)
    ring = keyring_load(path)
    assert ring.active().id == new.id != old_id
    assert ring.unwrap(old_id, wrapped, context=b"v1") == b"k" * 32
    with pytest.raises(KeyringError, match="active"):
        keyring_retire(path, new.id)
    retired = keyring_retire(path, old_id)
    assert retired.key is None
    assert retired.retired_at is not None
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert next(k for k in stored["keys"] if k["id"] == old_id)["key"] is None
    with pytest.raises(KeyringError, match="retired"):
        keyring_load(path).unwrap(old_id, wrapped, context=b"v1")


def test_a_malformed_keyring_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    path.write_text('{"format": 1, "keys": [{"id": "x", "key": "AAAA", "created_at": "2026-01-01"}]}')
    with pytest.raises(KeyringError):
        keyring_load(path)
    path.write_text("not json")
    with pytest.raises(KeyringError):
        keyring_load(path)


def test_blob_write_is_atomic_and_readable(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    blob = store.write([b"abc", b"def"])
    assert blob.size == 6
    with store.open(blob.key) as handle:
        assert handle.read() == b"abcdef"
    assert stat.S_IMODE(store.path_of(blob.key).stat().st_mode) == 0o600
    assert list(store.keys(older_than_seconds=0)) == [blob.key]
    assert list(store.temporary_dir.iterdir()) == []
    assert store.delete(blob.key)
    assert not store.delete(blob.key)
    with pytest.raises(BlobNotFound):
        store.open(blob.key)


def test_an_interrupted_write_leaves_no_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")

    def interrupted() -> Iterator[bytes]:
        yield b"partial"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.write(interrupted())
    assert list(store.keys(older_than_seconds=0)) == []
    assert list(store.temporary_dir.iterdir()) == []


def test_a_killed_write_leaves_a_temporary_file_that_the_sweeper_removes(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.temporary_dir.mkdir(parents=True)
    leftover = store.temporary_dir / ("0" * 32 + ".part")
    leftover.write_bytes(b"half a blob")
    old = leftover.stat().st_mtime - 7200
    os.utime(leftover, (old, old))
    fresh = store.temporary_dir / ("1" * 32 + ".part")
    fresh.write_bytes(b"being written now")
    assert store.sweep_temporary(older_than_seconds=3600) == 1
    assert not leftover.exists()
    assert fresh.exists()


@pytest.mark.parametrize("key", ["../../etc/passwd", "0" * 31, "A" * 32, "0" * 32 + "/x", ""])
def test_blob_keys_cannot_name_other_paths(key: str) -> None:
    with pytest.raises(ValueError, match="malformed"):
        check_key(key)


def test_sealed_blob_round_trip_through_the_store(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    key = crypto.generate_data_key()
    secret = b"plaintext that must not reach the disk " * 1000
    blob = store.write(crypto.encrypt_chunks([secret], key=key, context=b"c", chunk_size=4096))
    assert secret[:40] not in store.path_of(blob.key).read_bytes()
    with store.open(blob.key) as handle:
        assert b"".join(crypto.decrypt_stream(handle, key=key, context=b"c")) == secret
