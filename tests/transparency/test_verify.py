"""`chancery tlog verify` catches every kind of tampering behind the application's back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from chancery.audit.models import AuditEvent
from chancery.audit.services import audit_record
from chancery.cli import main
from chancery.platform.actor import Actor
from chancery.transparency.models import LogEntry, SignedCheckpoint
from chancery.transparency.services import checkpoint_publish
from chancery.transparency.verify import log_verify
from chancery_tlog.checkpoint import Checkpoint
from chancery_tlog.hybrid import HybridLogSigner

SYSTEM = Actor.system(purpose="test")


@pytest.fixture
def logged_events(django_capture_on_commit_callbacks: Any) -> list[AuditEvent]:
    with django_capture_on_commit_callbacks(execute=True):
        events = [
            audit_record(actor=SYSTEM, action="test.event", object_type="thing", object_id=n, detail={"n": n})
            for n in range(6)
        ]
    checkpoint_publish()
    return events


def _raw(sql: str, params: list[Any]) -> None:
    """Run SQL behind the application's back, with the audit table's append-only triggers out of the way."""
    with connection.cursor() as cursor, _triggers_disabled(cursor):
        cursor.execute(sql, params)


class _triggers_disabled:  # noqa: N801 - used as a context manager
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.saved: list[tuple[str, str]] = []

    def __enter__(self) -> None:
        if connection.vendor == "sqlite":
            self.cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_auditevent'"
            )
            self.saved = list(self.cursor.fetchall())
            for name, _ in self.saved:
                self.cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            self.cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")

    def __exit__(self, *exc: object) -> None:
        if connection.vendor == "sqlite":
            for _, sql in self.saved:
                self.cursor.execute(sql)
        else:
            self.cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def _kinds(report: Any) -> set[tuple[str, str]]:
    return {(f.kind, f.record_id) for f in report.findings}


@pytest.mark.django_db
def test_untouched_log_verifies_and_the_command_exits_zero(logged_events: list[AuditEvent]) -> None:
    report = log_verify()
    assert report.ok, [str(f) for f in report.findings]
    assert report.size == 6
    assert main(["tlog", "verify"]) == 0


@pytest.mark.django_db
def test_changed_audit_field_is_named(logged_events: list[AuditEvent], capsys: Any) -> None:
    target = logged_events[2]
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.innocent", target.pk])
    report = log_verify()
    assert _kinds(report) == {("changed", str(target.pk))}
    assert main(["tlog", "verify"]) == 1
    assert f"audit.event:{target.pk}" in capsys.readouterr().out


@pytest.mark.django_db
def test_deleted_row_is_named(logged_events: list[AuditEvent]) -> None:
    target = logged_events[4]
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    assert _kinds(log_verify()) == {("deleted", str(target.pk))}


@pytest.mark.django_db
def test_inserted_row_is_named(logged_events: list[AuditEvent]) -> None:
    _raw(
        "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, object_id, outcome, detail)"
        " VALUES (%s, 'intruder', 'test.forged', '', '', 'success', '{}')",
        ["2026-01-01 00:00:00+00:00"],
    )
    forged = AuditEvent.objects.get(action="test.forged")
    assert _kinds(log_verify()) == {("inserted", str(forged.pk))}


@pytest.mark.django_db
def test_reordered_entries_are_caught(logged_events: list[AuditEvent]) -> None:
    first, second = LogEntry.objects.order_by("index")[:2]
    LogEntry.objects.filter(pk=first.pk).update(index=-1)
    LogEntry.objects.filter(pk=second.pk).update(index=first.index)
    LogEntry.objects.filter(pk=first.pk).update(index=second.index)
    kinds = {f.kind for f in log_verify().findings}
    assert "node-mismatch" in kinds
    assert "root-mismatch" in kinds


@pytest.mark.django_db
def test_forged_checkpoint_is_caught(logged_events: list[AuditEvent]) -> None:
    impostor = HybridLogSigner.generate(SignedCheckpoint.objects.get().note.splitlines()[0])
    latest = SignedCheckpoint.objects.get()
    forged_note = impostor.sign(Checkpoint(origin=impostor.name, size=6, root_hash=b"\x01" * 32))
    SignedCheckpoint.objects.filter(pk=latest.pk).update(note=forged_note)
    findings = log_verify().findings
    assert [f.kind for f in findings] == ["bad-signature"]


@pytest.mark.django_db
def test_since_checkpoint_must_be_extended(
    logged_events: list[AuditEvent], tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    saved = tmp_path / "checkpoint.txt"
    saved.write_text(SignedCheckpoint.objects.get().note, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=SYSTEM, action="test.later")
    checkpoint_publish()
    assert main(["tlog", "verify", "--since", str(saved)]) == 0
    # Rewrite history: an early leaf changes, so the saved checkpoint's root is no longer reproduced.
    LogEntry.objects.filter(index=0).update(leaf_hash=b"\x02" * 32)
    assert main(["tlog", "verify", "--since", str(saved)]) == 1


@pytest.mark.django_db
def test_changed_post_report_text_is_named(desk_officer: Any, django_capture_on_commit_callbacks: Any) -> None:
    from chancery.missions.services import report_create

    actor = Actor.from_user(desk_officer, client_ip="127.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(
            actor=actor,
            title_en="Monsoon outlook",
            title_vi="Triển vọng gió mùa",
            body="Rice exports steady.",
            classification=10,
        )
    checkpoint_publish()
    assert log_verify().ok
    from chancery.missions.models import PostReport

    forged = PostReport.objects.get(pk=report.pk)
    forged.body = "Rice exports collapsing."  # re-sealed under the report's key, as an insider with the keyring could
    _raw("UPDATE missions_postreport SET body_sealed = %s WHERE id = %s", [bytes(forged.body_sealed), report.pk])
    assert {(f.kind, f.record_type, f.record_id) for f in log_verify().findings} == {
        ("changed", "missions.post_report", str(report.pk)),
    }


@pytest.mark.django_db
def test_changed_document_version_field_is_named(desk_officer: Any, django_capture_on_commit_callbacks: Any) -> None:
    from chancery.vault.tlog_records import RECORD_TYPE
    from tests.conftest import actor_of
    from tests.vault.helpers import upload

    with django_capture_on_commit_callbacks(execute=True):
        document = upload(actor_of(desk_officer), b"Draft minutes of the joint commission.")
    checkpoint_publish()
    assert log_verify().ok
    version = document.versions.get()
    # An insider lowers the recorded classification of the stored version.
    _raw("UPDATE vault_documentversion SET classification = %s WHERE id = %s", [0, version.pk])
    assert {(f.kind, f.record_type, f.record_id) for f in log_verify().findings} == {
        ("changed", RECORD_TYPE, str(version.pk)),
    }
    assert main(["tlog", "verify"]) != 0
