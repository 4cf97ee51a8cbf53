"""Background work of the transparency log."""

from __future__ import annotations

from django.tasks import task

from chancery.transparency.services import checkpoint_publish
from chancery.transparency.witnessing import checkpoint_witness


@task()
def publish_checkpoint() -> int | None:
    """Sign a checkpoint for the latest appends, have the witnesses cosign it; return its size or None."""
    signed = checkpoint_publish()
    if signed is None:
        return None
    checkpoint_witness(checkpoint=signed)
    return int(signed.size)
