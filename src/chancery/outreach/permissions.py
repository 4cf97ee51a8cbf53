"""Who may draft, see, edit, approve and recover posts, and manage accounts and approval workflows.

Chancery has a ``press_officer`` role; the rules use it for the press office:

Drafting (``outreach.draft``)
    Press officers of an internal unit draft posts for their unit.
Seeing (``outreach.view``, hidden on refusal)
    Internal users: the author; press officers and administrators of the post's unit; the approvers named
    in any step of that unit's workflow. Partners and other units never see drafts.
Editing (``outreach.edit``) and submitting (``outreach.submit``)
    The author, while the post is not yet publishing (editing an approved post sends it back to approval
    and expires the approvals of the changed version); submitting only from draft.
Approving (``outreach.approve``)
    An approver named in the post's current step, never the author, while the post is in approval.
Recovering (``outreach.recover``)
    Press officers and administrators of the post's unit retry a failed publication (same idempotency
    keys: never a second copy).
Outside approval links (``outreach.link_issue``)
    Press officers and administrators of the post's unit, never its author, while the post is in approval,
    send one outside approver a signed link for the current step (the token is the outsider's credential).
Accounts and workflows (``outreach.manage``)
    Press officers and administrators of an internal unit add platform accounts and configure the steps.
Replies to intelligence (``outreach.engagement_send``)
    Press officers and administrators of the post's unit send the replies and mentions a published post
    received to the intelligence pipeline. Results are read by whoever may see the post.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chancery.missions.enums import EXTERNAL_KINDS
from chancery.outreach.enums import EDITABLE_STATES, MANAGER_ROLES, PRESS_ROLES, PostState
from chancery.outreach.models import ApprovalStep, Post
from chancery.platform import access
from chancery.platform.actor import Actor


def is_internal(actor: Actor) -> bool:
    """True for a signed-in user of an internal unit (not a partner)."""
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and not actor.is_external
        and actor.organisation_kind not in EXTERNAL_KINDS
    )


def _approver_units(actor: Actor) -> QuerySet[ApprovalStep, int]:
    return ApprovalStep.objects.filter(approvers__id=actor.user_id or 0).values_list("organisation_id", flat=True)


def _visible_q(actor: Actor) -> Q:
    seen = Q(author_id=actor.user_id) | Q(organisation_id__in=_approver_units(actor))
    if actor.role in MANAGER_ROLES:
        seen |= Q(organisation_id=actor.organisation_id)
    return seen


@access.rule("outreach.draft", scope="write")
def can_draft(actor: Actor, _obj: object | None) -> bool:
    """Press officers of an internal unit."""
    return is_internal(actor) and actor.role in PRESS_ROLES


@access.rule("outreach.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, post: Post | None) -> bool:
    """The author, the unit's press officers and administrators, and the unit's workflow approvers."""
    if not is_internal(actor):
        return False
    if post is None:
        return actor.role in MANAGER_ROLES or _approver_units(actor).exists()
    return Post.objects.filter(pk=post.pk).filter(_visible_q(actor)).exists()


@access.visibility("outreach.view")
def visible_posts(actor: Actor, queryset: QuerySet[Post]) -> QuerySet[Post]:
    """The posts ``can_view`` allows, as one filter."""
    if not is_internal(actor):
        return queryset.none()
    return queryset.filter(_visible_q(actor))


@access.rule("outreach.edit", scope="write")
def can_edit(actor: Actor, post: Post | None) -> bool:
    """The author, before publishing starts."""
    return post is not None and is_internal(actor) and post.author_id == actor.user_id and post.state in EDITABLE_STATES


@access.rule("outreach.submit", scope="write")
def can_submit(actor: Actor, post: Post | None) -> bool:
    """The author of a draft."""
    return post is not None and is_internal(actor) and post.author_id == actor.user_id and post.state == PostState.DRAFT


@access.rule("outreach.approve", scope="write")
def can_approve(actor: Actor, post: Post | None) -> bool:
    """An approver of the post's current step, never its author, while it is in approval."""
    if post is None or not is_internal(actor) or post.state != PostState.IN_APPROVAL:
        return False
    if post.author_id == actor.user_id:
        return False
    from chancery.outreach.workflow import current_step

    step = current_step(post)
    return step is not None and step.approvers.filter(pk=actor.user_id or 0).exists()


@access.rule("outreach.recover", scope="write")
def can_recover(actor: Actor, post: Post | None) -> bool:
    """Press officers and administrators of the post's unit, when a publication needs attention."""
    return (
        post is not None
        and is_internal(actor)
        and actor.role in MANAGER_ROLES
        and post.organisation_id == actor.organisation_id
        and post.state == PostState.ATTENTION
    )


@access.rule("outreach.link_issue", scope="write")
def can_issue_link(actor: Actor, post: Post | None) -> bool:
    """Press officers and administrators of the post's unit, not its author, while it is in approval."""
    return (
        post is not None
        and is_internal(actor)
        and actor.role in MANAGER_ROLES
        and post.organisation_id == actor.organisation_id
        and post.author_id != actor.user_id
        and post.state == PostState.IN_APPROVAL
    )


@access.rule("outreach.manage", scope="admin")
def can_manage(actor: Actor, organisation_id: int | None) -> bool:
    """Press officers and administrators of an internal unit, for their own unit."""
    if not is_internal(actor) or actor.role not in MANAGER_ROLES:
        return False
    return organisation_id is None or organisation_id == actor.organisation_id


@access.rule("outreach.engagement_send", scope="write")
def can_send_replies(actor: Actor, post: Post | None) -> bool:
    """Press officers and administrators of the post's unit."""
    return (
        post is not None
        and is_internal(actor)
        and actor.role in MANAGER_ROLES
        and post.organisation_id == actor.organisation_id
    )
