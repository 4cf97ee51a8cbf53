"""Writes on outreach: accounts, approval workflows, drafting, submission, approval and recovery.

Every public service runs in one transaction, checks the policy engine, writes an audit event (ids,
states and platforms, never post text or credentials) and publishes live events on commit. Publishing
itself is in :mod:`chancery.outreach.publishing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.bluesky import tid_new
from chancery.outreach.connectors.errors import ConnectorError
from chancery.outreach.content import MediaIn, PartIn, Prepared, content_prepare, content_store, version_sha256
from chancery.outreach.credentials import credentials_seal
from chancery.outreach.enums import Language, PostState, StepMode, TargetState
from chancery.outreach.links import DEFAULT_VALIDITY, MAX_VALIDITY, link_id_from, link_token, link_void_reason
from chancery.outreach.models import (
    Account,
    Approval,
    ApprovalLink,
    ApprovalStep,
    Campaign,
    Post,
    Target,
    Template,
)
from chancery.outreach.platforms import PUBLISHABLE, Platform
from chancery.outreach.previews import TargetSpec, previews_build, target_errors
from chancery.outreach.workflow import current_step, step_statuses
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish

TITLE_MAX = 200
TEXT_MAX = 63206


def _audit(actor: Actor, action: str, object_type: str, object_id: int, **detail: object) -> None:
    audit_record(actor=actor, action=action, object_type=object_type, object_id=object_id, detail=detail)


def _unit(actor: Actor) -> int:
    """Return the actor's unit id (the rules already refused actors without one)."""
    if actor.organisation_id is None or actor.user_id is None:
        raise PermissionDenied
    return actor.organisation_id


def _locked(post_id: int) -> Post:
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound
    return post


# --- Accounts and workflows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountIn:
    """A platform account to connect: Mastodon needs ``access_token``; Bluesky ``identifier``/``app_password``."""

    platform: str
    base_url: str
    handle: str
    language: str
    credentials: dict[str, str]
    web_base_url: str = ""


def account_create(*, actor: Actor, account: AccountIn, verify: bool = True) -> Account:
    """Connect a platform account for the actor's unit, its credentials sealed with the vault's keyring.

    Needs ``outreach.manage``. For Mastodon, asks the instance for its character limit first (an
    unreachable instance or rejected token is an InvalidInput); ``verify=False`` skips that and keeps
    Mastodon's default of 500 (the demo seeds accounts before its fake servers run). Emits
    ``outreach.account_created``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    errors: dict[str, list[str]] = {}
    if account.platform not in PUBLISHABLE - {Platform.X, Platform.FACEBOOK}:
        errors["platform"] = [_("Connect X and Facebook accounts through their sign-in flow on the accounts page.")]
    if account.language not in Language.values:
        errors["language"] = [_("Choose Vietnamese or English.")]
    if not account.base_url.startswith(("https://", "http://")):
        errors["base_url"] = [_("Enter the server's address (https://...).")]
    if not account.handle.strip():
        errors["handle"] = [_("Enter the account's handle.")]
    if errors:
        raise InvalidInput(_("The account cannot be added."), errors=errors)
    max_characters = None
    if account.platform == Platform.MASTODON and verify:
        try:
            max_characters = connector_for(
                account.platform, base_url=account.base_url, credentials=account.credentials
            ).max_characters()
        except ConnectorError as error:
            raise InvalidInput(error.message, errors={"base_url": [error.message]}) from error
    row = Account(
        organisation_id=_unit(actor),
        platform=account.platform,
        base_url=account.base_url.rstrip("/"),
        web_base_url=account.web_base_url,
        handle=account.handle.strip(),
        language=account.language,
        max_characters=max_characters,
    )
    credentials_seal(row, account.credentials)
    with transaction.atomic():
        row.save()
        _audit(actor, "outreach.account_created", "outreach.account", row.pk, platform=row.platform)
    return row


@dataclass(frozen=True, slots=True)
class StepIn:
    """One step of a workflow: its name, ``any``/``all``, and the approvers' user ids."""

    name: str
    mode: str
    approver_ids: list[int] = field(default_factory=list)


def workflow_set(*, actor: Actor, steps: list[StepIn]) -> list[ApprovalStep]:
    """Replace the actor's unit's approval workflow with ``steps`` (in order; approvers internal users).

    Needs ``outreach.manage``. Approvals already given on posts in approval are dropped with the old
    steps. Emits ``outreach.workflow_set``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    errors: dict[str, list[str]] = {}
    if not steps:
        errors["steps"] = [_("A workflow needs at least one step.")]
    users = get_user_model().objects.filter(is_active=True).exclude(role="partner")
    for index, step in enumerate(steps):
        if not step.name.strip() or step.mode not in StepMode.values:
            errors.setdefault("steps", []).append(_("Step %(n)d needs a name and a mode.") % {"n": index + 1})
        if not step.approver_ids or users.filter(pk__in=step.approver_ids).count() != len(set(step.approver_ids)):
            errors.setdefault("steps", []).append(_("Step %(n)d needs active internal approvers.") % {"n": index + 1})
    if errors:
        raise InvalidInput(_("The workflow cannot be saved."), errors=errors)
    with transaction.atomic():
        ApprovalStep.objects.filter(organisation_id=_unit(actor)).delete()
        created = []
        for position, step in enumerate(steps, start=1):
            row = ApprovalStep.objects.create(
                organisation_id=_unit(actor), position=position, name=step.name.strip(), mode=step.mode
            )
            row.approvers.set(step.approver_ids)
            created.append(row)
        _audit(actor, "outreach.workflow_set", "missions.organisation", actor.organisation_id or 0, steps=len(steps))
    return created


# --- Campaigns --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignIn:
    """A campaign: its name in both languages and its days (the end is optional)."""

    name_vi: str
    name_en: str
    starts_on: date
    ends_on: date | None = None


def campaign_create(*, actor: Actor, campaign: CampaignIn) -> Campaign:
    """Create a campaign of the actor's unit (press officers). Emits ``outreach.campaign_created``."""
    access.require(actor, "outreach.draft")
    errors: dict[str, list[str]] = {}
    for language in Language.values:
        name = getattr(campaign, f"name_{language}").strip()
        if not name or len(name) > TITLE_MAX:
            errors[f"name_{language}"] = [_("Name the campaign in both languages (at most 200 characters).")]
    if campaign.ends_on is not None and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    if errors:
        raise InvalidInput(_("The campaign cannot be saved."), errors=errors)
    with transaction.atomic():
        row = Campaign.objects.create(
            organisation_id=_unit(actor),
            name_vi=campaign.name_vi.strip(),
            name_en=campaign.name_en.strip(),
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            created_by_id=actor.user_id or 0,
        )
        _audit(actor, "outreach.campaign_created", "outreach.campaign", row.pk)
    return row


def template_create(*, actor: Actor, name: str, text_vi: str, text_en: str) -> Template:
    """Save a reusable starting text of the actor's unit in both languages (press officers).

    Emits ``outreach.template_created``.
    """
    access.require(actor, "outreach.draft")
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name.strip()) > TITLE_MAX:
        errors["name"] = [_("Enter a name of at most %(n)d characters.") % {"n": TITLE_MAX}]
    for language, text in (("vi", text_vi), ("en", text_en)):
        if not text.strip() or len(text) > TEXT_MAX:
            errors[f"text_{language}"] = [_("Both language versions are required.")]
    if errors:
        raise InvalidInput(_("The template cannot be saved."), errors=errors)
    with transaction.atomic():
        row = Template.objects.create(
            organisation_id=_unit(actor),
            name=name.strip(),
            text_vi=text_vi,
            text_en=text_en,
            created_by_id=actor.user_id or 0,
        )
        _audit(actor, "outreach.template_created", "outreach.template", row.pk)
    return row


# --- Drafting ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostIn:
    """A post's content: both language versions, the target accounts and when to publish."""

    title: str
    text_vi: str
    text_en: str
    account_ids: list[int]
    scheduled_for: datetime
    ai_assisted: bool = False
    campaign_id: int | None = None
    parts: list[PartIn] = field(default_factory=list)
    media: list[MediaIn] = field(default_factory=list)
    link_url: str = ""


def _prepare(actor: Actor, content: PostIn, accounts: list[Account], post: Post | None = None) -> Prepared:
    """Check and ready the thread parts, images (from the vault) and link card (see :mod:`.content`)."""
    return content_prepare(
        actor=actor,
        parts=content.parts,
        media=content.media,
        link_url=content.link_url,
        accounts=accounts,
        post=post,
    )


def _validated_accounts(actor: Actor, content: PostIn) -> list[Account]:
    errors: dict[str, list[str]] = {}
    title = content.title.strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [_("Enter a working title of at most %(n)d characters.") % {"n": TITLE_MAX}]
    for language in Language.values:
        text = getattr(content, f"text_{language}")
        if not text.strip():
            errors[f"text_{language}"] = [_("Both language versions are required.")]
        elif len(text) > TEXT_MAX:
            errors[f"text_{language}"] = [_("The text is too long.")]
    if timezone.is_naive(content.scheduled_for):
        errors["scheduled_for"] = [_("Give the time with its time zone.")]
    accounts = list(Account.objects.filter(organisation_id=_unit(actor), is_active=True, pk__in=content.account_ids))
    if len(accounts) != len(set(content.account_ids)):
        errors["account_ids"] = [_("Choose active accounts of your unit.")]
    if (
        content.campaign_id is not None
        and not Campaign.objects.filter(pk=content.campaign_id, organisation_id=_unit(actor)).exists()
    ):
        errors["campaign_id"] = [_("Choose a campaign of your unit.")]
    if errors:
        raise InvalidInput(_("The post cannot be saved."), errors=errors)
    previews = previews_build(
        texts={"vi": content.text_vi, "en": content.text_en},
        targets=[TargetSpec(a.platform, a.handle, a.language, a.max_characters) for a in accounts],
    )
    too_long = target_errors(previews)
    if too_long:
        raise InvalidInput(_("A version is over a platform's limit; nothing is ever cut."), errors=too_long)
    return accounts


def _sync_targets(post: Post, accounts: list[Account]) -> None:
    post.targets.exclude(account__in=accounts).delete()
    existing = set(post.targets.values_list("account_id", flat=True))
    for account in accounts:
        if account.pk not in existing:
            Target.objects.create(post=post, account=account, idempotency_key=tid_new())


def post_create(*, actor: Actor, content: PostIn) -> Post:
    """Create a draft post of the actor's unit (press officers). Emits ``outreach.post_created``."""
    access.require(actor, "outreach.draft")
    accounts = _validated_accounts(actor, content)
    prepared = _prepare(actor, content, accounts)
    with transaction.atomic():
        post = _post_insert(actor, content, accounts)
        content_store(post=post, prepared=prepared)
        _audit(
            actor,
            "outreach.post_created",
            "outreach.post",
            post.pk,
            targets=len(accounts),
            parts=len(prepared.parts) + 1,
            images=len(prepared.images),
        )
    return post


def post_respond(*, actor: Actor, alert_id: int, content: PostIn) -> Post:
    """Start a draft response to an intelligence alert, carrying its evidence (press officers).

    Needs ``outreach.draft`` and ``intelligence.alerts`` on the alert (NotFound when the actor cannot see
    it). Copies the alert's figures and up to :data:`EVIDENCE_STORIES` stories behind it onto the post, so
    they travel through approval to publication. Emits ``outreach.post_created`` naming the alert and the
    stories (ids only), the first event of the post's audit trail.
    """
    from chancery.outreach.evidence import evidence_rows

    access.require(actor, "outreach.draft")
    accounts = _validated_accounts(actor, content)
    prepared = _prepare(actor, content, accounts)
    with transaction.atomic():
        rows = evidence_rows(actor=actor, alert_id=alert_id)
        post = _post_insert(actor, content, accounts)
        content_store(post=post, prepared=prepared)
        for row in rows:
            row.post = post
            row.save()
        _audit(
            actor,
            "outreach.post_created",
            "outreach.post",
            post.pk,
            targets=len(accounts),
            alert=alert_id,
            stories=[row.item_id for row in rows if row.kind == "story"],
        )
    return post


def _post_insert(actor: Actor, content: PostIn, accounts: list[Account]) -> Post:
    post = Post.objects.create(
        organisation_id=_unit(actor),
        author_id=actor.user_id or 0,
        title=content.title.strip(),
        text_vi=content.text_vi,
        text_en=content.text_en,
        ai_assisted=content.ai_assisted,
        scheduled_for=content.scheduled_for,
        campaign_id=content.campaign_id,
    )
    _sync_targets(post, accounts)
    return post


def post_update(*, actor: Actor, post_id: int, content: PostIn) -> Post:
    """Change a post before publishing (its author); a changed version's approvals expire.

    An approved post goes back to approval. Emits ``outreach.post_updated`` with which versions changed.
    """
    current = Post.objects.filter(pk=post_id).first()
    if current is None:
        raise NotFound
    access.require(actor, "outreach.view", current)
    access.require(actor, "outreach.edit", current)
    prepared = _prepare(actor, content, _validated_accounts(actor, content), current)
    with transaction.atomic():
        post = _locked(post_id)
        access.require(actor, "outreach.view", post)
        access.require(actor, "outreach.edit", post)
        accounts = _validated_accounts(actor, content)
        changed = [lang for lang in Language.values if getattr(content, f"text_{lang}") != post.text(lang)]
        if content_store(post=post, prepared=prepared) and not changed:
            changed = ["content"]
        post.title = content.title.strip()
        post.text_vi, post.text_en = content.text_vi, content.text_en
        post.ai_assisted = content.ai_assisted
        post.scheduled_for = content.scheduled_for
        post.campaign_id = content.campaign_id
        if changed:
            post.revision += 1
        if post.state == PostState.APPROVED and current_step(post) is not None:
            post.state = PostState.IN_APPROVAL
        post.updated_at = timezone.now()
        post.save()
        _sync_targets(post, accounts)
        _audit(actor, "outreach.post_updated", "outreach.post", post.pk, changed=changed, state=post.state)
    return post


def _notify_step(post: Post) -> None:
    step = current_step(post)
    if step is None:
        events_publish(user_ids=[post.author_id], kind="outreach.approved", payload={"post_id": post.pk})
        return
    approvers = [user.pk for user in step.approvers.all() if user.pk != post.author_id]
    events_publish(
        user_ids=approvers, kind="outreach.approval_needed", payload={"post_id": post.pk, "step": step.position}
    )


def post_submit(*, actor: Actor, post_id: int) -> Post:
    """Send a draft to its unit's approval workflow (its author).

    Emits ``outreach.post_submitted`` and notifies the first step's approvers.
    """
    with transaction.atomic():
        post = _locked(post_id)
        access.require(actor, "outreach.view", post)
        access.require(actor, "outreach.submit", post)
        if not ApprovalStep.objects.filter(organisation_id=post.organisation_id).exists():
            raise Conflict(_("Your unit has no approval workflow yet; ask its press officer or administrator."))
        post.state = PostState.IN_APPROVAL
        post.updated_at = timezone.now()
        post.save(update_fields=["state", "updated_at"])
        _audit(actor, "outreach.post_submitted", "outreach.post", post.pk)
        transaction.on_commit(lambda: _notify_step(post))
    return post


def post_approve(*, actor: Actor, post_id: int, languages: list[str] | None = None) -> Post:
    """Approve the current texts of the given versions (both by default) at the post's current step.

    Never the author. When every step has both versions approved the post is approved and will be
    published at its time. Emits ``outreach.post_approved`` and notifies the next step or the author.
    """
    chosen = sorted(set(languages or Language.values))
    if not chosen or not set(chosen) <= set(Language.values):
        raise InvalidInput(_("Choose the versions you approve."), errors={"languages": [_("vi and/or en.")]})
    with transaction.atomic():
        post = _locked(post_id)
        access.require(actor, "outreach.view", post)
        access.require(actor, "outreach.approve", post)
        step = current_step(post)
        if step is None:  # pragma: no cover - the rule already refused
            raise Conflict
        for language in chosen:
            Approval.objects.get_or_create(
                post=post,
                step=step,
                approver_id=actor.user_id,
                language=language,
                text_sha256=version_sha256(post, language),
            )
        if all(status.passed for status in step_statuses(post)):
            post.state = PostState.APPROVED
        post.updated_at = timezone.now()
        post.save(update_fields=["state", "updated_at"])
        _audit(actor, "outreach.post_approved", "outreach.post", post.pk, step=step.position, languages=chosen)
        transaction.on_commit(lambda: _notify_step(post))
    return post


def post_recover(*, actor: Actor, post_id: int) -> Post:
    """Queue a post that needs attention for publishing again (the unit's press office).

    Its failed targets go back to pending with the SAME idempotency keys, so nothing already on a
    platform is posted twice. Emits ``outreach.post_recovered``.
    """
    with transaction.atomic():
        post = _locked(post_id)
        access.require(actor, "outreach.view", post)
        access.require(actor, "outreach.recover", post)
        count = post.targets.filter(state=TargetState.FAILED).update(
            state=TargetState.PENDING, attempts=0, next_attempt_at=None, claimed_until=None, last_error=""
        )
        post.state = PostState.PUBLISHING
        post.updated_at = timezone.now()
        post.save(update_fields=["state", "updated_at"])
        _audit(actor, "outreach.post_recovered", "outreach.post", post.pk, targets=count)
        from chancery.outreach.tasks import publish_due

        transaction.on_commit(publish_due.enqueue)
    return post


# --- Outside approvers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A new approval link and its token (the token is shown once and never stored)."""

    link: ApprovalLink
    token: str


def approval_link_issue(
    *, actor: Actor, post_id: int, approver_name: str, valid_for: timedelta = DEFAULT_VALIDITY
) -> IssuedLink:
    """Issue a signed link letting one named outside approver approve or reject the post's current texts.

    Needs ``outreach.link_issue``; the current step must be an any-of step (an all-of step needs each
    named approver). Valid for ``valid_for`` (at most 14 days), once, for this step and these exact texts.
    Emits ``outreach.approval_link_issued`` (the approver's name is not logged).
    """
    name = approver_name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(_("Name the outside approver."), errors={"approver_name": [_("Enter a name.")]})
    if not timedelta(minutes=5) <= valid_for <= MAX_VALIDITY:
        raise InvalidInput(
            _("Choose how long the link stays valid."), errors={"valid_for": [_("Between 5 minutes and 14 days.")]}
        )
    with transaction.atomic():
        post = _locked(post_id)
        access.require(actor, "outreach.view", post)
        access.require(actor, "outreach.link_issue", post)
        step = current_step(post)
        if step is None or step.mode != StepMode.ANY:
            raise Conflict(_("Only an any-of approval step can be given to an outside approver."))
        now = timezone.now()
        link = ApprovalLink.objects.create(
            post=post,
            step=step,
            issued_by_id=actor.user_id or 0,
            approver_name=name,
            text_sha256_vi=version_sha256(post, "vi"),
            text_sha256_en=version_sha256(post, "en"),
            created_at=now,
            expires_at=now + valid_for,
        )
        _audit(
            actor,
            "outreach.approval_link_issued",
            "outreach.post",
            post.pk,
            link=link.pk,
            step=step.position,
            expires_at=link.expires_at.isoformat(),
        )
    return IssuedLink(link=link, token=link_token(link))


def approval_link_decide(*, actor: Actor, token: str, approve: bool) -> ApprovalLink:
    """Record an outside approver's decision through a signed link; the token is the credential.

    ``actor`` is usually anonymous (its client address is audited). Approving counts as one approval of
    both versions at the link's step; rejecting sends the post back to its author as a draft. A forged or
    unknown token is NotFound; a used, expired or stale link (text changed, step passed) is a Conflict and
    is audited as denied. Emits ``outreach.post_approved_by_link`` or ``outreach.post_rejected_by_link``
    and notifies the author (and the next step's approvers).
    """
    link_id = link_id_from(token)
    if link_id is None:
        raise NotFound
    with transaction.atomic():
        found = ApprovalLink.objects.filter(pk=link_id).values_list("post_id", flat=True).first()
        if found is None:
            raise NotFound
        post = _locked(found)
        link = ApprovalLink.objects.select_for_update().get(pk=link_id)
        link.post = post
        refused = link_void_reason(link)
        if not refused:
            _link_apply(actor, post, link, approve=approve)
            return link
    # Refused: record the attempt (the transaction above wrote nothing).
    audit_record(
        actor=actor,
        action="outreach.approval_link_refused",
        outcome=Outcome.DENIED,
        object_type="outreach.post",
        object_id=link.post_id,
        username=f"outside-approver:link-{link.pk}",
        detail={"link": link.pk},
    )
    raise Conflict(refused)


def _link_apply(actor: Actor, post: Post, link: ApprovalLink, *, approve: bool) -> None:
    now = timezone.now()
    link.used_at = now
    link.decision = "approved" if approve else "rejected"
    link.save(update_fields=["used_at", "decision"])
    if approve:
        for language in Language.values:
            Approval.objects.create(
                post=post,
                step_id=link.step_id,
                approver=None,
                link=link,
                language=language,
                text_sha256=version_sha256(post, language),
                created_at=now,
            )
        if all(status.passed for status in step_statuses(post)):
            post.state = PostState.APPROVED
    else:
        post.state = PostState.DRAFT
    post.updated_at = now
    post.save(update_fields=["state", "updated_at"])
    action = "outreach.post_approved_by_link" if approve else "outreach.post_rejected_by_link"
    audit_record(
        actor=actor,
        action=action,
        object_type="outreach.post",
        object_id=post.pk,
        username=f"outside-approver:link-{link.pk}",
        detail={"link": link.pk, "step": link.step.position, "state": post.state},
    )
    if approve:
        transaction.on_commit(lambda: _notify_step(post))
    else:
        transaction.on_commit(
            lambda: events_publish(
                user_ids=sorted({post.author_id, link.issued_by_id}),
                kind="outreach.rejected",
                payload={"post_id": post.pk},
            )
        )
