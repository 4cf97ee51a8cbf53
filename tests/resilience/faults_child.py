"""The process the fault tests kill: ``python -m tests.resilience.faults_child <scenario> <id>``.

It runs a real service against the test's database file and, at the interesting moment (inside the
transaction, or in the middle of an outgoing request), prints ``READY`` and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from typing import Any
from unittest import mock

import django

READY = "READY"


def _wait_to_be_killed() -> None:
    print(READY, flush=True)
    time.sleep(600)


def upload(user_id: int) -> None:
    """Upload a document as ``user_id``; stop inside the transaction, after its rows are written."""
    from chancery.audit.services import audit_record as real_audit
    from chancery.identity.models import User
    from chancery.platform.actor import Actor
    from chancery.vault import services

    def audit_then_hang(**kwargs: Any) -> Any:
        event = real_audit(**kwargs)
        _wait_to_be_killed()
        return event

    actor = Actor.from_user(User.objects.get(pk=user_id))
    with mock.patch("chancery.vault.services.audit_record", audit_then_hang):
        services.document_upload(
            actor=actor,
            fields=services.DocumentFields(title_en="Killed", title_vi="Bị dừng", classification=10),
            upload=services.upload_from_bytes(b"half-written report " * 1000, name="r.txt", content_type="text/plain"),
        )


def deliver(delivery_id: int) -> None:
    """Attempt webhook delivery ``delivery_id``; stop in the middle of the HTTP request."""
    from chancery.platform.actor import Actor
    from chancery.resilience.webhooks import services, transport

    def hang(*args: Any, **kwargs: Any) -> Any:
        _wait_to_be_killed()

    with mock.patch.object(transport.PinnedTransport, "post", hang):
        services.delivery_attempt(actor=Actor.system(purpose="tests"), delivery_id=delivery_id)


if __name__ == "__main__":
    django.setup()
    scenario, object_id = sys.argv[1], int(sys.argv[2])
    {"upload": upload, "deliver": deliver}[scenario](object_id)
