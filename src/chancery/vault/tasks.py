"""Background work of the vault: the disposal job and the orphan sweeper, run as the system actor."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.vault.maintenance import orphans_sweep
from chancery.vault.retention import disposal_run


@task()
def dispose_due_documents() -> int:
    """Crypto-shred every document past its disposal date and not under legal hold; return how many.

    Acts as the system actor (``vault.retention``). Emits one ``vault.document_disposed`` per document.
    """
    return len(disposal_run(actor=Actor.system(purpose="vault.disposal")))


@task()
def sweep_orphan_blobs() -> int:
    """Remove blobs without a row and unfinished writes older than the grace period; return how many.

    Acts as the system actor (``vault.keys``). Emits ``vault.orphans_swept`` (with any missing blobs).
    """
    report = orphans_sweep(actor=Actor.system(purpose="vault.orphan_sweep"))
    return report.orphan_blobs + report.temporary_files
