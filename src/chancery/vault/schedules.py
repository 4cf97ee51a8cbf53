"""Periodic jobs of the vault, enqueued by ``chancery worker`` when due (both act as the system actor).

* ``vault.disposal``: crypto-shred documents whose retention period has ended and that no legal hold
  protects (:func:`chancery.vault.retention.disposal_run`). Hourly, so a disposal date is honoured within
  the hour; documents that are not due are untouched, so running it more often changes nothing.
* ``vault.orphan_sweep``: remove blobs left by uploads that died between sealing and commit, and
  unfinished writes (:func:`chancery.vault.maintenance.orphans_sweep`). Every six hours; only blobs older
  than ``VAULT_ORPHAN_GRACE_SECONDS`` are touched, so uploads in flight are safe.
"""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.vault.tasks import dispose_due_documents, sweep_orphan_blobs

DISPOSAL_EVERY = timedelta(hours=1)
ORPHAN_SWEEP_EVERY = timedelta(hours=6)

register(
    Periodic(name="vault.disposal", task=dispose_due_documents, every=DISPOSAL_EVERY),
    Periodic(name="vault.orphan_sweep", task=sweep_orphan_blobs, every=ORPHAN_SWEEP_EVERY),
)
