"""The audit table is append-only: database triggers refuse UPDATE and DELETE, whatever the code path."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction

from chancery.audit.models import AuditEvent
from chancery.audit.services import audit_record
from chancery.audit.triggers import append_only_install, append_only_installed, append_only_remove
from chancery.platform.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _triggers() -> None:
    # Migrations install them; a transactional test earlier in this process may have dropped them for its
    # flush (tests/audit/flush.py). Reinstalling inside this test's transaction is idempotent.
    append_only_install(connection)


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=Actor.system(purpose="test"), action="test.recorded", detail={"n": 1})


def test_migration_installs_the_triggers() -> None:
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("audit", "0003_append_only_triggers") in applied
    migration = importlib.import_module("chancery.audit.migrations.0003_append_only_triggers")
    append_only_remove(connection)
    assert not append_only_installed(connection)
    migration.install(None, SimpleNamespace(connection=connection))  # what RunPython hands it
    assert append_only_installed(connection)


def test_insert_works(event: AuditEvent) -> None:
    assert AuditEvent.objects.filter(pk=event.pk, action="test.recorded").exists()


def test_orm_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    event.action = "test.forged"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.recorded"


def test_orm_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_and_delete_are_refused(event: AuditEvent) -> None:
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET outcome = 'success', detail = '{{}}' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert AuditEvent.objects.get(pk=event.pk).detail == {"n": 1}
