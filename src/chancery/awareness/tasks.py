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


@task()
def poll_reporting_mailbox() -> int:
    """File the messages forwarded to the reporting mailbox as the system; return how many were filed.

    Does nothing (0) when no mailbox is configured. A mailbox failure is logged and audited, not raised, so
    the schedule keeps running.
    """
    from chancery.audit.enums import Outcome
    from chancery.audit.services import audit_record
    from chancery.awareness.mailbox import MailboxError, configured_mailbox_poll

    actor = Actor.system(purpose="awareness.mailbox")
    try:
        result = configured_mailbox_poll(actor=actor)
    except MailboxError as exc:
        audit_record(
            actor=actor, action="awareness.mailbox_polled", outcome=Outcome.FAILURE, detail={"error": str(exc)[:200]}
        )
        return 0
    return len(result.filed) if result is not None else 0


@task()
def send_course_reminders() -> int:
    """Send the due course reminders as the system; return how many."""
    from chancery.awareness.reminders import course_reminders_send

    return course_reminders_send(actor=Actor.system(purpose="awareness.reminders"))
