"""Fault tests (issue 11, part 5): the server killed during a write, the database unavailable, the disk full
during an upload, a task worker killed mid-task → no partial state, no data lost, a clear error.

The two "killed" tests run a real service in a child process against this test's database file (hence
transactional tests) and SIGKILL it at the worst moment.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.resilience.webhooks import services as webhook_services
from chancery.resilience.webhooks.enums import DeliveryStatus
from chancery.resilience.webhooks.models import WebhookDelivery
from chancery.vault import blobs, sealing
from chancery.vault.models import Document, DocumentVersion
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.resilience.faults_child import READY
from tests.resilience.webhooks_fake_server import Behaviour, fake_endpoint
from tests.vault.helpers import upload

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = Actor.system(purpose="tests")


@pytest.fixture(autouse=True)
def _own_blob_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    settings.WEBHOOK_ALLOWLIST = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


def _test_database_url() -> str:
    """The URL of the database this test runs on (the test database, on either vendor)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(config["NAME"])
    credentials = str(config["USER"] or "") + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
    return f"postgres://{credentials}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{config['NAME']}"


def _child_env(settings: Any) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chancery.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "CHANCERY_DATABASE_URL": _test_database_url(),
        "CHANCERY_KEYRING_FILE": str(settings.VAULT_KEYRING_FILE),
        "CHANCERY_VAULT_BLOB_DIR": str(settings.VAULT_BLOB_DIR),
        "CHANCERY_TLOG_KEY_DIR": str(settings.TLOG_KEY_DIR),
        "CHANCERY_WEBHOOK_ALLOWLIST": "127.0.0.1",
    }


@contextmanager
def killed_at_ready(settings: Any, scenario: str, object_id: int) -> Iterator[None]:
    """Run the child scenario until it prints READY, SIGKILL it, then run the block."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.resilience.faults_child", scenario, str(object_id)],
        cwd=ROOT,
        env=_child_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == READY, child.stderr.read() if child.stderr else line
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    yield


@pytest.mark.django_db(transaction=True)
def test_a_server_killed_during_a_write_leaves_no_partial_rows(settings: Any, desk_officer: User) -> None:
    connection.ensure_connection()
    with killed_at_ready(settings, "upload", desk_officer.pk):
        pass
    # The child had written the document, its version, its search entry and its audit event, uncommitted.
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert not AuditEvent.objects.filter(action="vault.document_uploaded").exists()
    # The database is not left locked: the next write succeeds and is whole.
    document = upload(actor_of(desk_officer))
    assert DocumentVersion.objects.filter(document=document).count() == 1
    # The child's sealed blob (written before its transaction) has no row: the orphan sweeper's to remove.
    stored = set(blobs.blob_store().keys(older_than_seconds=0))
    assert DocumentVersion.objects.get().blob_key in stored
    assert len(stored) == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_leaves_the_delivery_recoverable_and_it_is_delivered_later(
    settings: Any, ministry: Organisation, desk_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    partner = OrganisationFactory(code="mofa-japan", kind="partner_ministry", country_code="JP")
    admin = UserFactory(
        username="admin", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
    )
    behaviour = Behaviour()
    with fake_endpoint(behaviour) as base:
        webhook_services.subscription_create(
            actor=actor_of(admin), organisation_code=partner.code, url=base, event_types=["document.shared"]
        )
        from chancery.vault import services as vault_services

        document = upload(actor_of(desk_officer))
        with mock.patch("chancery.resilience.webhooks.services._enqueue"):  # the worker, not this process, runs it
            vault_services.share_create(
                actor=actor_of(desk_officer), document_id=document.pk, organisation_code=partner.code
            )
        delivery = WebhookDelivery.objects.get()
        with killed_at_ready(settings, "deliver", delivery.pk):
            pass
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)  # claimed, never finished
        assert delivery.next_attempt_at is not None
        assert behaviour.received == []
        assert webhook_services.deliveries_retry_due(actor=SYSTEM) == 0  # its lease has not run out yet
        later = delivery.next_attempt_at + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert webhook_services.deliveries_retry_due(actor=SYSTEM) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert len(behaviour.received) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_unavailable_gives_a_503_problem_and_changes_nothing(security_officer: User) -> None:
    token = issue_token(security_officer, ["monitoring:read"]).secret
    client = Client()
    assert client.get("/api/v1/monitoring/alerts", **bearer(token)).status_code == 200
    refused = OperationalError("unable to open database file")
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=refused):
        response = client.get("/api/v1/monitoring/alerts", **bearer(token))
    body = assert_problem(response, 503, "service-unavailable")
    assert response["Retry-After"] == "30"
    assert "database" in body["detail"]
    assert "unable to open" not in response.content.decode()  # no internals leak


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_during_an_upload_gives_a_clear_error_and_stores_nothing(settings: Any, desk_officer: User) -> None:
    token = issue_token(desk_officer, ["vault:read", "vault:write"]).secret
    real_fdopen = os.fdopen
    written: list[int] = []

    class FillingDisk:
        """A blob file whose disk fills up after the first 64 KiB."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FillingDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: Any) -> int:
            room = 65536 - sum(written)
            if room <= 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            part = bytes(data[:room])
            written.append(len(part))
            return int(self.handle.write(part))

        def fileno(self) -> int:
            return int(self.handle.fileno())

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        is_blob = str(Path(f"/proc/self/fd/{fd}").readlink()).startswith(str(settings.VAULT_BLOB_DIR))
        return FillingDisk(handle) if is_blob else handle

    sealing.keyring()  # the keyring exists already; only the blob volume is full
    data = b"A long report that will not fit. " * 20000
    with mock.patch("chancery.vault.blobs.os.fdopen", fdopen):
        response = Client().post(
            "/api/v1/vault/documents",
            {"file": SimpleUploadedFile("long.txt", data, "text/plain"), "title_en": "Long", "classification": "10"},
            **bearer(token),
        )
    body = assert_problem(response, 507, "storage-full")
    assert "nothing was saved" in body["detail"]
    assert written  # the write really started before the disk filled
    assert Document.objects.count() == 0
    assert not AuditEvent.objects.filter(action="vault.document_uploaded").exists()
    blob_dir = Path(settings.VAULT_BLOB_DIR)
    assert [p for p in blob_dir.rglob("*") if p.is_file()] == []  # no blob, no temporary file left
