"""The S3 blob store against a local fake S3 server (moto, real S3 protocol over HTTP on 127.0.0.1).

The store alone (multipart streaming, atomicity, listing, sweeping unfinished uploads), then the vault's
guarantees with S3 selected: round trip, no plaintext in the bucket, under var/ or in the database,
integrity failures, the orphan sweeper and crypto-shredding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from chancery.vault import maintenance, retention, services
from chancery.vault.blobs import BlobNotFound, S3Settings, blob_store
from chancery.vault.blobs_s3 import S3BlobStore
from chancery.vault.errors import IntegrityFailure
from chancery.vault.models import DocumentVersion
from tests.conftest import actor_of
from tests.vault.helpers import SECRET_SENTENCE, download, upload

MIB = 1024 * 1024
PART = 5 * MIB  # S3's smallest part but the last
SYSTEM = Actor.system(purpose="test")


def _objects(config: S3Settings) -> dict[str, bytes]:
    store = S3BlobStore(config)
    listing = store.client.list_objects_v2(Bucket=config.bucket).get("Contents", [])
    return {
        item["Key"]: store.client.get_object(Bucket=config.bucket, Key=item["Key"])["Body"].read() for item in listing
    }


def _unfinished(store: S3BlobStore) -> list[dict[str, Any]]:
    return list(store.client.list_multipart_uploads(Bucket=store.config.bucket).get("Uploads", []))


def test_a_large_blob_streams_in_bounded_parts_and_back(s3_bucket: S3Settings) -> None:
    store = S3BlobStore(s3_bucket, part_bytes=PART)
    pieces = [bytes([i]) * MIB for i in range(12)]
    sent: list[int] = []
    real_upload_part = store.client.upload_part

    def recording(**kwargs: Any) -> Any:
        sent.append(len(kwargs["Body"]))
        return real_upload_part(**kwargs)

    with mock.patch.object(store.client, "upload_part", side_effect=recording):
        blob = store.write(iter(pieces))
    assert blob.size == 12 * MIB
    assert sent == [5 * MIB, 5 * MIB, 2 * MIB]  # never more than one part held
    with store.open(blob.key) as handle:
        read = [handle.read(MIB) for _ in range(13)]
    assert read[:12] == pieces
    assert read[12] == b""
    assert list(store.keys(older_than_seconds=0)) == [blob.key]
    assert _objects(s3_bucket).keys() == {s3_bucket.prefix + blob.key}


def test_small_and_empty_blobs_and_deletion(s3_bucket: S3Settings) -> None:
    store = S3BlobStore(s3_bucket)
    small = store.write([b"abc", b"def"])
    empty = store.write([])
    with store.open(small.key) as handle:
        assert handle.read() == b"abcdef"
    with store.open(empty.key) as handle:
        assert handle.read() == b""
    assert store.delete(small.key)
    assert not store.delete(small.key)
    with pytest.raises(BlobNotFound):
        store.open(small.key)
    with pytest.raises(ValueError, match="malformed"):
        store.open("../" + "a" * 29)


def test_an_interrupted_write_stores_nothing_and_leaves_no_unfinished_upload(s3_bucket: S3Settings) -> None:
    store = S3BlobStore(s3_bucket, part_bytes=PART)

    def interrupted() -> Iterator[bytes]:
        yield b"x" * (6 * MIB)  # one part already uploaded
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.write(interrupted())
    assert list(store.keys(older_than_seconds=0)) == []
    assert _unfinished(store) == []


def test_uploads_killed_before_they_could_abort_are_swept_after_the_grace_period(s3_bucket: S3Settings) -> None:
    store = S3BlobStore(s3_bucket)
    store.client.create_multipart_upload(Bucket=s3_bucket.bucket, Key=s3_bucket.prefix + "b" * 32)
    initiated = _unfinished(store)[0]["Initiated"]  # moto reports a fixed date: set the clock from it
    with mock.patch("chancery.vault.blobs_s3.datetime") as clock:
        clock.now.return_value = initiated + timedelta(minutes=10)
        assert store.sweep_temporary(older_than_seconds=3600) == 0  # may still be in flight
        assert len(_unfinished(store)) == 1
        clock.now.return_value = initiated + timedelta(hours=2)
        assert store.sweep_temporary(older_than_seconds=3600) == 1
    assert _unfinished(store) == []


def test_keys_lists_only_well_formed_blobs_older_than_asked(s3_bucket: S3Settings) -> None:
    store = S3BlobStore(s3_bucket)
    blob = store.write([b"sealed"])
    store.client.put_object(Bucket=s3_bucket.bucket, Key=s3_bucket.prefix + "not-a-blob", Body=b"x")
    store.client.put_object(Bucket=s3_bucket.bucket, Key="elsewhere/" + "c" * 32, Body=b"x")
    assert list(store.keys(older_than_seconds=0)) == [blob.key]
    assert list(store.keys(older_than_seconds=3600)) == []


def test_the_secret_key_is_not_in_the_settings_repr(s3_bucket: S3Settings) -> None:
    assert s3_bucket.secret_access_key not in repr(S3Settings(bucket="b", secret_access_key="s3cr3t-value"))
    assert "s3cr3t-value" not in repr(S3Settings(bucket="b", secret_access_key="s3cr3t-value"))


def test_an_unreachable_endpoint_is_reported_not_raised() -> None:
    from tests.vault.fake_s3 import free_port

    store = S3BlobStore(
        S3Settings(
            bucket="b",
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            region="us-east-1",
            access_key_id="x",
            secret_access_key="y",
        )
    )
    assert store.reachable() != ""


# --- The vault with S3 selected ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_vault_round_trips_through_s3_with_no_plaintext_anywhere(
    s3_vault: S3Settings, desk_officer: User, tmp_path: Path
) -> None:
    actor = actor_of(desk_officer)
    assert isinstance(blob_store(), S3BlobStore)
    document = upload(actor)
    assert download(actor, document) == SECRET_SENTENCE.encode()
    stored = _objects(s3_vault)
    version = document.versions.get()
    assert list(stored) == [s3_vault.prefix + version.blob_key]
    assert len(stored[s3_vault.prefix + version.blob_key]) == version.stored_size
    connection.close()
    marker = b"xq7zulwarbex"
    for needle in (SECRET_SENTENCE.encode(), b"maritime boundary", marker):
        assert all(needle not in body for body in stored.values())
        for root in (tmp_path, Path(settings.VAR_DIR)):
            assert [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()] == []
    assert not (Path(settings.VAULT_BLOB_DIR)).exists()  # nothing went to the local store


@pytest.mark.django_db(transaction=True)
def test_a_flipped_byte_in_s3_refuses_the_download(s3_vault: S3Settings, desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor, SECRET_SENTENCE.encode() * 100)
    name = s3_vault.prefix + document.versions.get().blob_key
    store = S3BlobStore(s3_vault)
    data = bytearray(store.client.get_object(Bucket=s3_vault.bucket, Key=name)["Body"].read())
    data[len(data) // 2] ^= 0x01
    store.client.put_object(Bucket=s3_vault.bucket, Key=name, Body=bytes(data))
    with pytest.raises(IntegrityFailure, match=f"#{document.pk}"):
        services.document_download(actor=actor, document_id=document.pk)
    store.client.delete_object(Bucket=s3_vault.bucket, Key=name)
    with pytest.raises(IntegrityFailure, match=f"#{document.pk}"):
        services.document_download(actor=actor, document_id=document.pk)


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_removes_s3_orphans_and_unfinished_uploads_never_live_blobs(
    s3_vault: S3Settings, desk_officer: User
) -> None:
    document = upload(actor_of(desk_officer))
    store = blob_store()
    orphan = store.write([b"sealed bytes whose row never committed"])
    assert isinstance(store, S3BlobStore)
    store.client.create_multipart_upload(Bucket=s3_vault.bucket, Key=s3_vault.prefix + "d" * 32)
    live = document.versions.get().blob_key
    later = datetime.now(UTC) + timedelta(seconds=2 * settings.VAULT_ORPHAN_GRACE_SECONDS)
    with mock.patch("chancery.vault.blobs_s3.datetime") as clock:
        clock.now.return_value = later
        report = maintenance.orphans_sweep(actor=SYSTEM)
    assert (report.orphan_blobs, report.temporary_files, report.missing_blobs) == (1, 1, [])
    assert set(store.keys(older_than_seconds=0)) == {live}
    assert orphan.key not in set(store.keys(older_than_seconds=0))
    assert download(actor_of(desk_officer), document) == SECRET_SENTENCE.encode()
    store.delete(live)
    assert maintenance.orphans_sweep(actor=SYSTEM, grace_seconds=0).missing_blobs == [document.versions.get().pk]


@pytest.mark.django_db(transaction=True)
def test_disposal_shreds_the_keys_and_deletes_the_s3_objects(
    s3_vault: S3Settings, desk_officer: User, security_officer: User
) -> None:
    owner = actor_of(desk_officer)
    document = upload(owner)
    version = document.versions.get()
    record = retention.document_dispose(actor=actor_of(security_officer), document_id=document.pk, reason="test")
    assert record.blob_keys == [version.blob_key]
    assert DocumentVersion.objects.get(pk=version.pk).wrapped_key is None
    assert _objects(s3_vault) == {}
    with pytest.raises(NotFound):
        download(owner, document)


def test_chancery_check_flags_missing_or_unreachable_s3_settings(settings: Any, s3_endpoint: str) -> None:
    from chancery.platform.deployment import check_vault_blob_store
    from tests.vault.fake_s3 import free_port, make_bucket

    assert check_vault_blob_store().passed  # local by default
    config = make_bucket(s3_endpoint)
    settings.VAULT_BLOB_STORE = "s3"
    settings.VAULT_S3_BUCKET = ""
    settings.VAULT_S3_ENDPOINT_URL = config.endpoint_url
    settings.VAULT_S3_REGION = config.region
    settings.VAULT_S3_ACCESS_KEY_ID = config.access_key_id
    settings.VAULT_S3_SECRET_ACCESS_KEY = ""
    settings.VAULT_S3_CA_BUNDLE = "/nonexistent/ca.pem"
    item = check_vault_blob_store()
    assert not item.passed
    assert "CHANCERY_VAULT_S3_BUCKET" in item.detail
    assert "CHANCERY_VAULT_S3_SECRET_ACCESS_KEY" in item.detail
    assert "CA_BUNDLE" in item.detail
    settings.VAULT_S3_BUCKET = config.bucket
    settings.VAULT_S3_SECRET_ACCESS_KEY = config.secret_access_key
    settings.VAULT_S3_CA_BUNDLE = ""
    assert check_vault_blob_store().passed
    settings.VAULT_S3_BUCKET = "no-such-bucket-here"
    assert not check_vault_blob_store().passed
    settings.VAULT_S3_BUCKET = config.bucket
    settings.VAULT_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"
    assert not check_vault_blob_store().passed
