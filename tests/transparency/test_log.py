"""The transparency log in the platform: appends, checkpoints, proofs and the public endpoints."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.platform.actor import Actor
from chancery.transparency import selectors
from chancery.transparency.keys import log_vkeys
from chancery.transparency.models import LogEntry, SignedCheckpoint
from chancery.transparency.services import checkpoint_publish, tlog_append
from chancery_tlog import merkle
from chancery_tlog.hybrid import HybridPolicy, Requirement, open_checkpoint, verifier_from_vkey
from chancery_tlog.tiles import parse_tile_bytes

SYSTEM = Actor.system(purpose="test")


def _policy() -> HybridPolicy:
    classical, post_quantum = (verifier_from_vkey(v) for v in log_vkeys())
    return HybridPolicy(classical, post_quantum, Requirement.BOTH)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_audit_event_lands_in_the_log_on_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(actor=SYSTEM, action="test.ping", object_type="thing", object_id=7)
    entry = LogEntry.objects.get(record_type="audit.event", record_id=str(event.pk))
    assert entry.index == 0
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(bytes(entry.leaf_data))
    assert b'"action":"test.ping"' in bytes(entry.leaf_data)


@pytest.mark.django_db
def test_audit_event_of_rolled_back_transaction_is_not_logged(django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            audit_record(actor=SYSTEM, action="test.rolled_back", outcome=Outcome.FAILURE)
            raise RuntimeError
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_checkpoint_signed_with_both_keys_matches_the_entries(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    latest = selectors.checkpoint_latest()
    assert latest is not None
    assert latest.size == 5
    opened = open_checkpoint(latest.note, _policy())
    assert opened.classical
    assert opened.post_quantum
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert opened.checkpoint.root_hash == merkle.root_hash(leaves)


@pytest.mark.django_db
def test_proofs_from_stored_nodes_verify_against_signed_roots(desk_officer: Any) -> None:
    actor = Actor.from_user(desk_officer)
    for n in range(3):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    old = checkpoint_publish()
    for n in range(3, 11):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    new = checkpoint_publish()
    assert old is not None
    assert new is not None
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    for index in range(11):
        proof = selectors.inclusion_proof_get(actor=actor, index=index, size=11)
        assert merkle.verify_inclusion(leaves[index], index, 11, proof, bytes(new.root_hash))
    proof = selectors.consistency_proof_get(actor=actor, old_size=3, new_size=11)
    assert merkle.verify_consistency(3, 11, bytes(old.root_hash), bytes(new.root_hash), proof)
    assert checkpoint_publish() is None  # nothing new: no second checkpoint at the same size
    assert SignedCheckpoint.objects.count() == 2


@pytest.mark.django_db
def test_public_endpoints_serve_checkpoint_vkeys_and_tiles(client: Client) -> None:
    assert client.get("/tlog/checkpoint").status_code == 404
    for n in range(300):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    checkpoint_publish()
    note = client.get("/tlog/checkpoint")
    assert note.status_code == 200
    assert note["Content-Type"].startswith("text/plain")
    vkeys = client.get("/tlog/vkey").content.decode().splitlines()
    assert vkeys == log_vkeys()
    full = client.get("/tlog/tile/0/000")
    assert full.status_code == 200
    hashes = parse_tile_bytes(full.content)
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert hashes == leaves[:256]
    partial = client.get("/tlog/tile/0/001.p/44")
    assert parse_tile_bytes(partial.content, 44) == leaves[256:300]
    assert client.get("/tlog/tile/0/001").status_code == 404  # not complete yet
    assert client.get("/tlog/tile/0/001.p/45").status_code == 404
    assert client.get("/tlog/tile/0/x001").status_code == 404  # malformed


@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_get_gap_free_ordered_indices() -> None:
    threads = 4
    per_thread = 15
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(per_thread):
                tlog_append(record_type="test.concurrent", record_id=f"{worker}-{n}", fields={"w": worker})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    indices = list(LogEntry.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(threads * per_thread))
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    checkpoint_publish()
    signed = selectors.checkpoint_latest()
    assert signed is not None
    assert signed.size == threads * per_thread
    assert bytes(signed.root_hash) == merkle.root_hash(leaves)
