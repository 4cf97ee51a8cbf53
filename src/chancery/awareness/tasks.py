"""Background work of awareness: sending drills, and launching the scheduled ones."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor


@task()
def send_drill(campaign_id: int) -> int:
    """Send a launched drill's messages as the system; return how many were delivered."""
    from chancery.awareness.drills import drill_send

    return drill_send(actor=Actor.system(purpose="awareness.drill"), campaign_id=campaign_id)


@task()
def launch_due_drills() -> int:
    """Launch the drills whose scheduled time has come; return how many."""
    from chancery.awareness.drills import campaigns_launch_due

    return campaigns_launch_due(actor=Actor.system(purpose="awareness.drill"))
