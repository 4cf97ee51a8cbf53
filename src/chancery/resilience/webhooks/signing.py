"""Standard Webhooks signatures (https://www.standardwebhooks.com/, "Symmetric signature" section).

The signed content is ``<webhook-id>.<webhook-timestamp>.<body>``; the signature is HMAC-SHA256 under the
secret's bytes (the base64 text after ``whsec_``), sent as ``webhook-signature: v1,<base64>``. Pure
functions, no Django.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32


def secret_new() -> str:
    """Return a fresh signing secret ``whsec_<base64 of 32 random bytes>``."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def message_id_new() -> str:
    """Return a fresh message id ``msg_<hex>``, the idempotency key receivers deduplicate on."""
    return "msg_" + secrets.token_hex(16)


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``webhook-signature`` value ``v1,<base64 HMAC-SHA256 of id.timestamp.body>``."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Return the three Standard Webhooks headers (plus the JSON content type) for one attempt."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body),
    }
