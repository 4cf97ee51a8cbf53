"""Background work of the transparency log."""

from __future__ import annotations

from django.tasks import task

from chancery.transparency.services import checkpoint_publish


@task()
def publish_checkpoint() -> int | None:
    """Sign a checkpoint for the appends of the last few seconds; return its size (None if unchanged)."""
    signed = checkpoint_publish()
    return None if signed is None else int(signed.size)
