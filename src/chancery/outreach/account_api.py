"""The account and workflow set-up API, on the outreach router (``/api/v1/outreach``).

Signing in through the API: ``POST /accounts/sign-in`` returns the platform's authorization page
address; the user opens it, the platform redirects to Chancery's callback page (which completes the
sign-in), or an API client that received the redirect itself posts ``state`` and ``code`` to
``POST /accounts/sign-in/complete``. Handlers are thin: one selector or service each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema, Status

from chancery.outreach import account_selectors, account_services
from chancery.outreach.api import ERRORS, NOT_FOUND, router
from chancery.outreach.models import Account, ApprovalStep
from chancery.platform.api.auth import request_actor


class AccountStatusOut(Schema):
    """An account with its connection status (never its credentials)."""

    id: int
    platform: str
    base_url: str
    handle: str
    language: str
    is_active: bool
    status: str
    status_detail: str
    token_expires_at: datetime | None


class SignInIn(Schema):
    """What to sign in to; ``account_id`` re-authorises an account (its platform and server are kept)."""

    platform: Literal["mastodon", "x", "facebook"]
    language: Literal["vi", "en"] | Literal[""] = ""
    base_url: str = Field(default="", max_length=200)
    web_base_url: str = Field(default="", max_length=200)
    page_id: str = Field(default="", max_length=40)
    account_id: int | None = None


class SignInOut(Schema):
    """Where to send the user to sign in, and where the platform sends them back."""

    authorize_url: str
    redirect_uri: str


class SignInCompleteIn(Schema):
    """What the platform put on the redirect back: ``state``, ``code`` (or ``error``) and ``server``.

    ``server`` is the last path segment of the redirect address the answer came back to.
    """

    server: str = Field(max_length=64)
    state: str = Field(max_length=200)
    code: str = Field(default="", max_length=2000)
    error: str = Field(default="", max_length=200)


class BlueskyBody(Schema):
    """A Bluesky handle (or DID) and an app password; ``account_id`` re-authorises that account."""

    identifier: str = Field(max_length=253)
    app_password: str = Field(max_length=100)
    language: Literal["vi", "en"] | Literal[""] = ""
    base_url: str = Field(default="https://bsky.social", max_length=200)
    web_base_url: str = Field(default="", max_length=200)
    account_id: int | None = None


class StepDetailOut(Schema):
    """A stored approval step with its approvers' ids."""

    position: int
    name: str
    mode: str
    approver_ids: list[int]

    @staticmethod
    def resolve_approver_ids(obj: ApprovalStep) -> list[int]:
        """Return the ids of the step's approvers."""
        return sorted(user.pk for user in obj.approvers.all())


@router.get(
    "/accounts/all", response={200: list[AccountStatusOut], **ERRORS}, operation_id="outreach_account_status_list"
)
def account_status_list(request: HttpRequest) -> list[Account]:
    """List every account of the caller's unit with its connection status (press office)."""
    return list(account_selectors.accounts_managed(actor=request_actor(request)))


@router.post("/accounts/sign-in", response={200: SignInOut, **ERRORS}, operation_id="outreach_account_sign_in")
def account_sign_in(request: HttpRequest, payload: SignInIn) -> SignInOut:
    """Start signing in to Mastodon, X or Facebook (OAuth 2 with PKCE); return the page to send the user to."""
    url = account_services.account_sign_in_start(
        actor=request_actor(request),
        start=account_services.SignInStart(**payload.model_dump()),
        callback_base=request.build_absolute_uri(reverse("outreach:account_callback")),
    )
    # Every platform's authorization address carries the redirect address it was given.
    return SignInOut(authorize_url=url, redirect_uri=parse_qs(urlsplit(url).query)["redirect_uri"][0])


@router.post(
    "/accounts/sign-in/complete",
    response={201: AccountStatusOut, **ERRORS},
    operation_id="outreach_account_sign_in_complete",
)
def account_sign_in_complete(request: HttpRequest, payload: SignInCompleteIn) -> Status[Account]:
    """Finish a sign-in with the ``state`` and ``code`` the platform redirected back with."""
    account = account_services.account_sign_in_complete(
        actor=request_actor(request), server=payload.server, state=payload.state, code=payload.code, error=payload.error
    )
    return Status(201, account)


@router.post("/accounts/bluesky", response={201: AccountStatusOut, **ERRORS}, operation_id="outreach_account_bluesky")
def account_bluesky(request: HttpRequest, payload: BlueskyBody) -> Status[Account]:
    """Connect (or re-authorise) a Bluesky account with an app password."""
    account = account_services.account_bluesky_connect(
        actor=request_actor(request), account=account_services.BlueskyIn(**payload.model_dump())
    )
    return Status(201, account)


@router.get(
    "/accounts/{account_id}", response={200: AccountStatusOut, **NOT_FOUND}, operation_id="outreach_account_get"
)
def account_get(request: HttpRequest, account_id: int) -> Account:
    """Return one account of the caller's unit with its connection status."""
    return account_selectors.account_get(actor=request_actor(request), account_id=account_id)


@router.post(
    "/accounts/{account_id}/check",
    response={200: AccountStatusOut, **NOT_FOUND},
    operation_id="outreach_account_check",
)
def account_check(request: HttpRequest, account_id: int) -> Account:
    """Check the account's credentials now (renewing tokens); a refusal marks it "needs a new sign-in"."""
    return account_services.account_check(actor=request_actor(request), account_id=account_id)


@router.post(
    "/accounts/{account_id}/disconnect",
    response={200: AccountStatusOut, **NOT_FOUND},
    operation_id="outreach_account_disconnect",
)
def account_disconnect(request: HttpRequest, account_id: int) -> Account:
    """Disconnect the account and destroy its credentials."""
    return account_services.account_disconnect(actor=request_actor(request), account_id=account_id)


@router.get("/workflow", response={200: list[StepDetailOut], **ERRORS}, operation_id="outreach_workflow_get")
def workflow_get(request: HttpRequest) -> list[ApprovalStep]:
    """Return the caller's unit's approval workflow with the approvers of each step (press office)."""
    return account_selectors.workflow_get(actor=request_actor(request))
