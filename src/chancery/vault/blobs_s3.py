"""Sealed blobs in S3-compatible object storage (AWS S3, MinIO, Ceph RGW …) through django-storages.

django-storages' :class:`~storages.backends.s3.S3Storage` holds the configuration (bucket, endpoint,
region, credentials, CA bundle) and the boto3 connection; the store drives the bucket itself so that
nothing is ever held whole in memory:

* **write**: a multipart upload fed part by part (``PART_BYTES`` buffered at a time). S3 makes the object
  visible only when the upload completes, which is the atomic rename of the local store; on any exception
  the upload is aborted and nothing is stored. An upload killed before it could abort stays as an
  *unfinished multipart upload*, which :meth:`S3BlobStore.sweep_temporary` aborts after the grace period
  (the local store's ``.part`` files).
* **open**: a streamed ``GET`` (botocore's ``StreamingBody``), read chunk by chunk by the decryptor.
* **keys**: a paginated listing of the prefix with each object's ``LastModified``.

Only ciphertext reaches the bucket: the sealing layer encrypts before :meth:`S3BlobStore.write` sees a
byte. Blob keys are random hex chosen by the store, as in the local store.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, cast

from chancery.vault.blobs import BlobNotFound, S3Settings, StoredBlob, check_key, is_key

PART_BYTES = 8 * 1024 * 1024
"""Multipart part size: S3 wants at least 5 MiB per part but the last, and at most 10,000 parts (78 GiB)."""


def _storage(config: S3Settings) -> Any:
    from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

    return S3Storage(
        bucket_name=config.bucket,
        endpoint_url=config.endpoint_url or None,
        region_name=config.region or None,
        access_key=config.access_key_id or None,
        secret_key=config.secret_access_key or None,
        verify=config.ca_bundle or None,
        file_overwrite=False,
        default_acl=None,
        querystring_auth=False,
    )


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"NoSuchKey", "404", "NotFound"}


class S3BlobStore:
    """Blobs as objects ``<prefix><key>`` in one bucket, streamed in and out."""

    def __init__(self, config: S3Settings, *, part_bytes: int = PART_BYTES) -> None:
        self.config = config
        self.prefix = config.prefix
        self.part_bytes = part_bytes
        self._storage = _storage(config)

    @property
    def bucket(self) -> Any:
        """The boto3 ``Bucket`` resource (django-storages' connection, one per thread)."""
        return self._storage.bucket

    @property
    def client(self) -> Any:
        """The low-level boto3 S3 client of that connection."""
        return self._storage.connection.meta.client

    def name_of(self, key: str) -> str:
        """Return the object name of blob ``key``."""
        return self.prefix + check_key(key)

    def write(self, chunks: Iterable[bytes], *, key: str | None = None) -> StoredBlob:
        """Stream ``chunks`` into a new object by multipart upload; abort it (nothing stored) on any error.

        ``key`` names the blob (a restore puts blobs back under their keys); by default a new random key.
        Holds at most one part (``part_bytes``) plus the chunk being added in memory.
        """
        key = check_key(key) if key is not None else secrets.token_hex(16)
        name = self.name_of(key)
        upload = self.client.create_multipart_upload(Bucket=self.config.bucket, Key=name)
        upload_id = upload["UploadId"]
        parts: list[dict[str, Any]] = []
        buffer = bytearray()
        size = 0

        def send() -> None:
            number = len(parts) + 1
            reply = self.client.upload_part(
                Bucket=self.config.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=bytes(buffer)
            )
            parts.append({"ETag": reply["ETag"], "PartNumber": number})
            buffer.clear()

        try:
            for chunk in chunks:
                buffer += chunk
                size += len(chunk)
                if len(buffer) >= self.part_bytes:
                    send()
            if buffer:
                send()
            if parts:
                self.client.complete_multipart_upload(
                    Bucket=self.config.bucket, Key=name, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
            else:  # nothing to upload in parts (S3 wants at least one): store an empty object instead
                self.client.abort_multipart_upload(Bucket=self.config.bucket, Key=name, UploadId=upload_id)
                self.client.put_object(Bucket=self.config.bucket, Key=name, Body=b"")
        except BaseException:
            with contextlib.suppress(Exception):  # the original error matters; the sweeper aborts leftovers
                self.client.abort_multipart_upload(Bucket=self.config.bucket, Key=name, UploadId=upload_id)
            raise
        return StoredBlob(key=key, size=size)

    def open(self, key: str) -> BinaryIO:
        """Open blob ``key`` as a streamed ``GET`` (raise BlobNotFound if absent)."""
        try:
            reply = self.client.get_object(Bucket=self.config.bucket, Key=self.name_of(key))
        except Exception as error:
            if _is_missing(error):
                raise BlobNotFound(key) from None
            raise
        return cast("BinaryIO", reply["Body"])

    def delete(self, key: str) -> bool:
        """Delete blob ``key``; return False if it was not there."""
        name = self.name_of(key)
        try:
            self.client.head_object(Bucket=self.config.bucket, Key=name)
        except Exception as error:
            if _is_missing(error):
                return False
            raise
        self.client.delete_object(Bucket=self.config.bucket, Key=name)
        return True

    def keys(self, *, older_than_seconds: float = 0) -> Iterator[str]:
        """Yield the keys of stored blobs last modified more than ``older_than_seconds`` ago."""
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.config.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = str(item["Key"])[len(self.prefix) :]
                if is_key(key) and item["LastModified"] <= cutoff:
                    yield key

    def sweep_temporary(self, *, older_than_seconds: float) -> int:
        """Abort unfinished multipart uploads (writes that died) started more than ``older_than_seconds`` ago."""
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.config.bucket, Prefix=self.prefix
        )
        aborted = 0
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] <= cutoff:
                    self.client.abort_multipart_upload(
                        Bucket=self.config.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted += 1
        return aborted

    def reachable(self) -> str:
        """Return "" when the bucket answers, or the error's name (for ``chancery check``)."""
        try:
            self.client.head_bucket(Bucket=self.config.bucket)
        except Exception as error:  # noqa: BLE001 - reported, never raised
            return type(error).__name__
        return ""
