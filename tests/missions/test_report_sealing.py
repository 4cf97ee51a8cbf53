"""Post-report bodies are sealed at rest and survive key rotation."""

from __future__ import annotations

import pytest
from django.db import connection

from chancery.missions.models import PostReport
from chancery.platform.actor import Actor
from chancery.vault import maintenance
from chancery.vault.crypto import IntegrityError
from chancery.vault.key_holders import key_holders
from tests.missions.factories import PostReportFactory

pytestmark = pytest.mark.django_db

SECRET = "Confidential assessment of the host government zorblaxian talks"


def test_the_body_is_stored_sealed_and_opens_again() -> None:
    report = PostReportFactory(body=SECRET)
    stored = PostReport.objects.get(pk=report.pk)
    assert stored.body == SECRET
    assert SECRET.encode() not in bytes(stored.body_sealed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM missions_postreport")
        assert all(b"zorblaxian" not in repr(row).encode() for row in cursor.fetchall())


def test_each_report_has_its_own_key_and_bodies_cannot_be_swapped() -> None:
    first = PostReportFactory(body="first body")
    second = PostReportFactory(body="second body")
    assert first.key_id != second.key_id
    first.body_sealed = second.body_sealed
    with pytest.raises(IntegrityError):
        _ = first.body


def test_editing_keeps_the_key_and_reseals() -> None:
    report = PostReportFactory(body="draft")
    key_id, sealed = report.key_id, bytes(report.body_sealed)
    report.body = "final"
    report.save()
    report.refresh_from_db()
    assert report.key_id == key_id
    assert bytes(report.body_sealed) != sealed
    assert report.body == "final"


def test_rotation_rewraps_report_keys() -> None:
    assert "missions.post_report" in {holder.name for holder in key_holders()}
    report = PostReportFactory(body=SECRET)
    old_kek = report.kek_id
    rotation = maintenance.keys_rotate(actor=Actor.system(purpose="test"))
    report.refresh_from_db()
    assert old_kek in rotation.retired
    assert report.kek_id == rotation.new_kek_id
    assert report.body == SECRET
