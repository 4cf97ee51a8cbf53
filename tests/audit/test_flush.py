"""Transactional tests that write audit rows still tear down cleanly (see ``tests/audit/flush.py``)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from chancery.audit.models import AuditEvent
from chancery.audit.services import audit_record
from chancery.audit.triggers import append_only_install
from chancery.platform.actor import Actor


@pytest.mark.django_db(transaction=True)
def test_transactional_test_with_audit_rows_is_flushed() -> None:
    append_only_install(connection)  # as after migrating
    audit_record(actor=Actor.system(purpose="test"), action="test.committed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="test.committed").exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_emptied_the_table() -> None:
    assert not AuditEvent.objects.filter(action="test.committed").exists()
