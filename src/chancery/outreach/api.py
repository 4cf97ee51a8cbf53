"""The outreach API (mounted at ``/api/v1/outreach``): posts, approval, links, responses, accounts.

Also previews, outside approval links, responses to intelligence alerts and recovery. Handlers are
thin: they take the actor the authenticator left on the request, call one selector or service and
serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from chancery.outreach import selectors, services
from chancery.outreach.models import Account, ApprovalStep, Campaign, Post, Template
from chancery.outreach.schemas import (
    AccountBody,
    AccountOut,
    ApprovalLinkIn,
    ApprovalLinkOut,
    ApproveIn,
    CampaignBody,
    CampaignOut,
    PostBody,
    PostOut,
    PostSummaryOut,
    PreviewIn,
    PreviewOut,
    StepOut,
    TemplateBody,
    TemplateOut,
    WorkflowIn,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["outreach"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/posts", response={200: list[PostSummaryOut], **ERRORS}, operation_id="outreach_post_list")
@paginated
def post_list(request: HttpRequest, state: str = "") -> QuerySet[Post]:
    """List the posts the caller may see, by scheduled time (optionally one state)."""
    return selectors.post_list(actor=request_actor(request), state=state[:20])


@router.post("/posts", response={201: PostOut, **ERRORS}, operation_id="outreach_post_create")
def post_create(request: HttpRequest, payload: PostBody) -> Status[Post]:
    """Create a draft (press officers); refused with the field when a version is over a target's limit."""
    return Status(201, services.post_create(actor=request_actor(request), content=payload.content()))


@router.post("/previews", response={200: list[PreviewOut], **ERRORS}, operation_id="outreach_preview")
def previews(request: HttpRequest, payload: PreviewIn) -> list[PreviewOut]:
    """Show what each target account and every platform would keep and cut of each version."""
    rows = selectors.post_previews(
        actor=request_actor(request), text_vi=payload.text_vi, text_en=payload.text_en, account_ids=payload.account_ids
    )
    return [PreviewOut.of(row) for row in rows]


@router.get("/queue", response={200: list[PostSummaryOut], **ERRORS}, operation_id="outreach_approval_queue")
def approval_queue(request: HttpRequest) -> list[Post]:
    """List the posts waiting for the caller's approval at their current step."""
    return selectors.approval_queue(actor=request_actor(request))


@router.get("/posts/{post_id}", response={200: PostOut, **NOT_FOUND}, operation_id="outreach_post_get")
def post_get(request: HttpRequest, post_id: int) -> Post:
    """Return one post with its targets and URLs; hidden and missing posts both answer 404."""
    return selectors.post_get(actor=request_actor(request), post_id=post_id)


@router.put("/posts/{post_id}", response={200: PostOut, **NOT_FOUND}, operation_id="outreach_post_update")
def post_update(request: HttpRequest, post_id: int, payload: PostBody) -> Post:
    """Change a post before publishing (its author); approvals of a changed version expire."""
    return services.post_update(actor=request_actor(request), post_id=post_id, content=payload.content())


@router.post("/posts/{post_id}/submit", response={200: PostOut, **NOT_FOUND}, operation_id="outreach_post_submit")
def post_submit(request: HttpRequest, post_id: int) -> Post:
    """Send a draft to approval (its author)."""
    return services.post_submit(actor=request_actor(request), post_id=post_id)


@router.post("/posts/{post_id}/approve", response={200: PostOut, **NOT_FOUND}, operation_id="outreach_post_approve")
def post_approve(request: HttpRequest, post_id: int, payload: ApproveIn) -> Post:
    """Approve versions of the post at its current step (an approver of that step, never the author)."""
    return services.post_approve(actor=request_actor(request), post_id=post_id, languages=list(payload.languages))


@router.post("/posts/{post_id}/recover", response={200: PostOut, **NOT_FOUND}, operation_id="outreach_post_recover")
def post_recover(request: HttpRequest, post_id: int) -> Post:
    """Retry a failed publication with the same idempotency keys (the unit's press office)."""
    return services.post_recover(actor=request_actor(request), post_id=post_id)


@router.get("/accounts", response={200: list[AccountOut], **ERRORS}, operation_id="outreach_account_list")
def account_list(request: HttpRequest) -> QuerySet[Account]:
    """List the active accounts of the caller's unit (never their credentials)."""
    return selectors.account_list(actor=request_actor(request))


@router.post("/accounts", response={201: AccountOut, **ERRORS}, operation_id="outreach_account_create")
def account_create(request: HttpRequest, payload: AccountBody) -> Status[Account]:
    """Connect a Mastodon or Bluesky account of the caller's unit; credentials are sealed."""
    return Status(201, services.account_create(actor=request_actor(request), account=payload.account()))


@router.put("/workflow", response={200: list[StepOut], **ERRORS}, operation_id="outreach_workflow_set")
def workflow_set(request: HttpRequest, payload: WorkflowIn) -> list[ApprovalStep]:
    """Replace the caller's unit's approval workflow (press officers and administrators of the unit)."""
    return services.workflow_set(actor=request_actor(request), steps=payload.steps_in())


@router.post(
    "/posts/{post_id}/approval-links",
    response={201: ApprovalLinkOut, **NOT_FOUND},
    operation_id="outreach_approval_link_issue",
)
def approval_link_issue(request: HttpRequest, post_id: int, payload: ApprovalLinkIn) -> Status[ApprovalLinkOut]:
    """Issue a signed, expiring, single-use link for one outside approver of the post's current any-of step."""
    issued = services.approval_link_issue(
        actor=request_actor(request),
        post_id=post_id,
        approver_name=payload.approver_name,
        valid_for=timedelta(days=payload.valid_days),
    )
    url = request.build_absolute_uri(reverse("outreach:review", args=[issued.token]))
    link = issued.link
    return Status(
        201, ApprovalLinkOut(id=link.pk, approver_name=link.approver_name, expires_at=link.expires_at, url=url)
    )


@router.post(
    "/alerts/{alert_id}/responses", response={201: PostOut, **NOT_FOUND}, operation_id="outreach_alert_respond"
)
def alert_respond(request: HttpRequest, alert_id: int, payload: PostBody) -> Status[Post]:
    """Start a draft response to an intelligence alert the caller may see; it carries the alert's evidence."""
    return Status(
        201, services.post_respond(actor=request_actor(request), alert_id=alert_id, content=payload.content())
    )


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, operation_id="outreach_campaign_list")
def campaign_list(request: HttpRequest) -> QuerySet[Campaign]:
    """List the campaigns of the caller's unit, newest first."""
    return selectors.campaign_list(actor=request_actor(request))


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, operation_id="outreach_campaign_create")
def campaign_create(request: HttpRequest, payload: CampaignBody) -> Status[Campaign]:
    """Create a campaign of the caller's unit (press officers); names in both languages."""
    return Status(201, services.campaign_create(actor=request_actor(request), campaign=payload.campaign()))


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, operation_id="outreach_template_list")
def template_list(request: HttpRequest) -> QuerySet[Template]:
    """List the reusable templates of the caller's unit (press officers)."""
    return selectors.template_list(actor=request_actor(request))


@router.post("/templates", response={201: TemplateOut, **ERRORS}, operation_id="outreach_template_create")
def template_create(request: HttpRequest, payload: TemplateBody) -> Status[Template]:
    """Save a reusable starting text of the caller's unit in both languages (press officers)."""
    row = services.template_create(
        actor=request_actor(request), name=payload.name, text_vi=payload.text_vi, text_en=payload.text_en
    )
    return Status(201, row)


# Account sign-in, status and workflow set-up routes, and results and replies, register on this router.
from chancery.outreach import account_api, results_api  # noqa: E402, F401
