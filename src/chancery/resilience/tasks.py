"""The scheduled backup."""

from __future__ import annotations

import logging

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from chancery.resilience.services import backup_create, backups_prune

logger = logging.getLogger(__name__)


@task()
def backup_scheduled() -> str | None:
    """Take a backup and prune old ones; return the archive's name (None when no backup key is set up)."""
    actor = Actor.system(purpose="scheduled-backup")
    try:
        result = backup_create(actor=actor)
    except InvalidInput:
        logger.warning("scheduled backup skipped: no backup public key (run `chancery backup keygen`)")
        return None
    backups_prune(actor=actor)
    return result.path.name
