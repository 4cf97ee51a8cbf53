"""Who reports phishing and who triages it.

Reporting (``awareness.report``)
    Every signed-in member of an internal unit (not partners' users).

Reading a report (``awareness.view_report``, hidden on refusal)
    Its reporter, and the triage roles (administrators and security officers of internal units).

Triage (``awareness.triage``)
    Administrators and security officers of internal units confirm or dismiss reports; confirming shares
    the indicators into a threat-intelligence collection (which also needs ``threatintel.add``).

Reporting mailbox (``awareness.mailbox_poll``)
    The system (scheduled job, command) and triagers fetch forwarded reports; each is filed as its sender.

Security dashboard (``awareness.dashboard``)
    Administrators and security officers of the ministry and its departments (headquarters).
"""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.awareness.enums import TRIAGE_ROLES
from chancery.awareness.models import PhishingReport
from chancery.missions.enums import EXTERNAL_KINDS, HEADQUARTERS_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor


def is_internal(actor: Actor) -> bool:
    """True for a signed-in user of the ministry, a department or a mission (not a partner)."""
    return actor.user_id is not None and not actor.is_external and actor.organisation_kind not in EXTERNAL_KINDS


def is_triager(actor: Actor) -> bool:
    """True for an internal administrator or security officer."""
    return is_internal(actor) and actor.role in TRIAGE_ROLES


@access.rule("awareness.report", scope="write")
def can_report(actor: Actor, _obj: object | None) -> bool:
    """Internal staff report suspicious messages."""
    return is_internal(actor)


@access.rule("awareness.view_report", scope="read", hide_on_deny=True)
def can_view_report(actor: Actor, report: PhishingReport | None) -> bool:
    """The reporter sees their report; triagers see every report."""
    if is_triager(actor):
        return True
    return report is not None and is_internal(actor) and report.reporter_id == actor.user_id


@access.visibility("awareness.view_report")
def visible_reports(actor: Actor, queryset: QuerySet[PhishingReport]) -> QuerySet[PhishingReport]:
    """All reports for triagers, one's own for other internal staff, none for partners."""
    if is_triager(actor):
        return queryset
    if not is_internal(actor):
        return queryset.none()
    return queryset.filter(reporter_id=actor.user_id)


@access.rule("awareness.triage", scope="write")
def can_triage(actor: Actor, _obj: object | None) -> bool:
    """Internal administrators and security officers triage."""
    return is_triager(actor)


@access.rule("awareness.drill_manage", scope="admin")
def can_manage_drills(actor: Actor, _obj: object | None) -> bool:
    """Internal administrators and security officers run phishing drills and read their results."""
    return actor.is_system or is_triager(actor)


@access.rule("awareness.mailbox_poll", scope="admin")
def can_poll_mailbox(actor: Actor, _obj: object | None) -> bool:
    """The system (the scheduled job, the command) and triagers file what was forwarded to the mailbox."""
    return actor.is_system or is_triager(actor)


@access.rule("awareness.learn", scope="write")
def can_learn(actor: Actor, _obj: object | None) -> bool:
    """Internal staff read courses and take their quizzes."""
    return is_internal(actor)


@access.rule("awareness.course_manage", scope="admin")
def can_manage_courses(actor: Actor, _obj: object | None) -> bool:
    """Internal administrators and security officers assign courses and see completion."""
    return actor.is_system or is_triager(actor)


@access.rule("awareness.dashboard", scope="read")
def can_see_dashboard(actor: Actor, _obj: object | None) -> bool:
    """Administrators and security officers of the ministry (headquarters) see the security dashboard."""
    return is_triager(actor) and actor.organisation_kind in HEADQUARTERS_KINDS
