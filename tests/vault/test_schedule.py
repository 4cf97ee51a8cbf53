"""The disposal job and the orphan sweeper are registered with the scheduler and do their work when ticked."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.schedule import periodics
from chancery.platform.schedule import services as schedule_services
from chancery.platform.schedule.services import schedule_tick
from chancery.vault import retention
from chancery.vault.blobs import blob_store
from chancery.vault.models import Document, DocumentVersion
from tests.conftest import actor_of
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)

SCHEDULER = Actor.system(purpose="scheduler")
JOBS = {"vault.disposal": timedelta(hours=1), "vault.orphan_sweep": timedelta(hours=6)}


@pytest.fixture
def only_vault_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tick only the vault's jobs (the other apps' jobs have their own tests)."""
    jobs = [job for job in periodics() if job.name in JOBS]
    monkeypatch.setattr(schedule_services, "periodics", lambda: jobs)


def test_the_vault_jobs_are_registered() -> None:
    registered = {job.name: job for job in periodics() if job.name.startswith("vault.")}
    assert {name: job.every for name, job in registered.items()} == JOBS
    assert registered["vault.disposal"].task.module_path == "chancery.vault.tasks.dispose_due_documents"
    assert registered["vault.orphan_sweep"].task.module_path == "chancery.vault.tasks.sweep_orphan_blobs"


@pytest.mark.usefixtures("only_vault_jobs")
def test_a_tick_disposes_of_due_documents_not_on_hold_and_sweeps_orphans(
    desk_officer: User, security_officer: User
) -> None:
    owner = actor_of(desk_officer)
    due, held, later = (upload(owner, f"document {i}".encode()) for i in range(3))
    Document.objects.filter(pk__in=[due.pk, held.pk]).update(dispose_after=timezone.now() - timedelta(days=1))
    Document.objects.filter(pk=later.pk).update(dispose_after=timezone.now() + timedelta(days=30))
    retention.legal_hold_place(actor=actor_of(security_officer), document_id=held.pk, reason="inquiry")
    store = blob_store()
    orphan = store.write([b"sealed bytes whose row never committed"])
    path = store.path_of(orphan.key)  # type: ignore[attr-defined]
    old = path.stat().st_mtime - 2 * settings.VAULT_ORPHAN_GRACE_SECONDS
    os.utime(path, (old, old))

    assert sorted(schedule_tick(actor=SCHEDULER)) == sorted(JOBS)

    disposed = set(Document.objects.filter(disposed_at__isnull=False).values_list("pk", flat=True))
    assert disposed == {due.pk}
    assert DocumentVersion.objects.get(document=due).wrapped_key is None
    assert DocumentVersion.objects.get(document=held).wrapped_key is not None
    assert orphan.key not in set(store.keys(older_than_seconds=0))
    disposal = AuditEvent.objects.get(action="vault.document_disposed")
    assert disposal.actor_username == "system:vault.disposal"
    assert AuditEvent.objects.filter(action="vault.orphans_swept", actor_username="system:vault.orphan_sweep").exists()
    assert schedule_tick(actor=SCHEDULER) == []  # not due again at once
