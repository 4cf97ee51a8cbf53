"""A local fake S3 (moto's server speaking the real S3 protocol over HTTP on 127.0.0.1) for the vault tests."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chancery.vault.blobs import S3Settings

REGION = "us-east-1"
CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}  # moto's, not a secret


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Start moto's threaded S3 server on 127.0.0.1 (a free port) for the session; yield its URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def make_bucket(endpoint: str) -> S3Settings:
    """Create a fresh bucket on the fake server and return settings that point at it."""
    import boto3  # type: ignore[import-untyped]

    config = S3Settings(bucket=f"vault-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint, region=REGION, **CREDENTIALS)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=config.access_key_id,
        aws_secret_access_key=config.secret_access_key,
    )
    client.create_bucket(Bucket=config.bucket)
    return config


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> S3Settings:
    """A fresh, empty bucket on the fake S3 server."""
    return make_bucket(s3_endpoint)


@pytest.fixture
def s3_vault(settings: Any, s3_bucket: S3Settings) -> S3Settings:
    """Select the S3 blob store for this test, with a fresh bucket on the fake server."""
    settings.VAULT_BLOB_STORE = "s3"
    settings.VAULT_S3_BUCKET = s3_bucket.bucket
    settings.VAULT_S3_PREFIX = s3_bucket.prefix
    settings.VAULT_S3_ENDPOINT_URL = s3_bucket.endpoint_url
    settings.VAULT_S3_REGION = s3_bucket.region
    settings.VAULT_S3_ACCESS_KEY_ID = s3_bucket.access_key_id
    settings.VAULT_S3_SECRET_ACCESS_KEY = s3_bucket.secret_access_key
    settings.VAULT_S3_CA_BUNDLE = ""
    return s3_bucket
