"""Outside approval links: signed, expiring, single-purpose, audited; the public review page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.enums import PostState
from chancery.outreach.links import link_id_from
from chancery.outreach.models import ApprovalLink, Post
from chancery.outreach.workflow import current_step
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.outreach.factories import TEXT_EN, TEXT_VI, draft, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db
OUTSIDER = Actor.anonymous(client_ip="192.0.2.7")


@pytest.fixture
def people(ministry: Organisation, mission_paris: Organisation) -> dict[str, User]:
    partner_org = Organisation.objects.create(code="partner-y", name_en="Y", name_vi="Y", kind="partner_ministry")
    author = press_officer(ministry)
    return {
        "author": author,
        "lead": press_officer(ministry, "lead"),
        "approver": user("approver", Role.ANALYST, ministry),
        "spokes": user("spokes", Role.ANALYST, ministry),
        "other_unit": press_officer(mission_paris, "paris-press"),
        "partner": user("partner", Role.PARTNER, partner_org),
    }


@pytest.fixture
def post(people: dict[str, User]) -> Post:
    two_step_workflow(people["author"], [people["approver"]], [people["spokes"]])
    created = draft(people["author"], [])
    return services.post_submit(actor=actor_of(people["author"]), post_id=created.pk)


def _issue(people: dict[str, User], post: Post, **kwargs: object) -> services.IssuedLink:
    return services.approval_link_issue(
        actor=actor_of(people["lead"]),
        post_id=post.pk,
        approver_name="Ms Tanaka",
        **kwargs,  # type: ignore[arg-type]
    )


def test_issue_rule_three_users(people: dict[str, User], post: Post) -> None:
    assert access.can(actor_of(people["lead"]), "outreach.link_issue", post)
    assert not access.can(actor_of(people["author"]), "outreach.link_issue", post)  # never for one's own post
    assert not access.can(actor_of(people["other_unit"]), "outreach.link_issue", post)
    assert not access.can(actor_of(people["partner"]), "outreach.link_issue", post)
    with pytest.raises((PermissionDenied, NotFound)):
        services.approval_link_issue(actor=actor_of(people["other_unit"]), post_id=post.pk, approver_name="X")


def test_approval_through_link_passes_the_any_step_once(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    first = current_step(post)
    assert first is not None
    assert first.position == 1
    services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=True)
    post.refresh_from_db()
    step = current_step(post)
    assert step is not None
    assert step.position == 2
    assert post.state == PostState.IN_APPROVAL
    event = AuditEvent.objects.get(action="outreach.post_approved_by_link")
    assert event.detail["link"] == issued.link.pk
    assert event.client_ip == "192.0.2.7"
    assert event.actor_id is None
    assert event.actor_username == f"outside-approver:link-{issued.link.pk}"
    assert AuditEvent.objects.filter(action="outreach.approval_link_issued", object_id=str(post.pk)).exists()
    with pytest.raises(Conflict):  # single use
        services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=True)
    assert AuditEvent.objects.filter(action="outreach.approval_link_refused", outcome="denied").count() == 1


def test_changed_text_voids_link_and_its_approval(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    content = services.PostIn(
        title="T", text_vi=TEXT_VI + " Sửa.", text_en=TEXT_EN, account_ids=[], scheduled_for=post.scheduled_for
    )
    services.post_update(actor=actor_of(people["author"]), post_id=post.pk, content=content)
    with pytest.raises(Conflict, match="changed"):
        services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=True)
    assert not ApprovalLink.objects.get(pk=issued.link.pk).used_at


def test_approval_by_link_expires_when_text_changes_afterwards(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=True)
    content = services.PostIn(
        title="T", text_vi=TEXT_VI, text_en=TEXT_EN + " Edited.", account_ids=[], scheduled_for=post.scheduled_for
    )
    services.post_update(actor=actor_of(people["author"]), post_id=post.pk, content=content)
    post.refresh_from_db()
    assert current_step(post).position == 1  # type: ignore[union-attr]


def test_expired_link_refused(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    ApprovalLink.objects.filter(pk=issued.link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict, match="expired"):
        services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=True)


def test_forged_or_foreign_tokens_are_not_found(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    for token in (
        issued.token[:-2] + ("AA" if not issued.token.endswith("AA") else "BB"),
        signing.dumps({"l": issued.link.pk, "p": post.pk}, salt="awareness.drill", compress=True),
        "nonsense",
    ):
        with pytest.raises(NotFound):
            services.approval_link_decide(actor=OUTSIDER, token=token, approve=True)


def test_reject_sends_back_to_draft(people: dict[str, User], post: Post) -> None:
    issued = _issue(people, post)
    services.approval_link_decide(actor=OUTSIDER, token=issued.token, approve=False)
    post.refresh_from_db()
    assert post.state == PostState.DRAFT
    assert AuditEvent.objects.filter(action="outreach.post_rejected_by_link").exists()


def test_all_of_step_and_bad_input_refused(people: dict[str, User], post: Post) -> None:
    services.post_approve(actor=actor_of(people["approver"]), post_id=post.pk)  # step 2 is all-of
    with pytest.raises(Conflict):
        _issue(people, post)
    with pytest.raises(InvalidInput) as caught:
        services.approval_link_issue(actor=actor_of(people["lead"]), post_id=post.pk, approver_name=" ")
    assert "approver_name" in caught.value.errors
    with pytest.raises(InvalidInput):
        _issue(people, post, valid_for=timedelta(days=30))


@given(st.text(max_size=300))
def test_token_parser_never_raises(raw: str) -> None:
    assert link_id_from(raw) is None


def test_review_page_without_account(people: dict[str, User], post: Post) -> None:
    lead = Client()
    lead.force_login(people["lead"])
    shown = lead.post(reverse("outreach:link_issue", args=[post.pk]), {"approver_name": "Ms Tanaka", "days": "2"})
    assert shown.status_code == 200
    url = shown.context["url"]
    assert "/outreach/review/" in url
    assert shown["Cache-Control"] == "no-store"
    outsider = Client(enforce_csrf_checks=False)
    page = outsider.get(url)
    assert page.status_code == 200
    assert TEXT_VI in page.content.decode()
    assert TEXT_EN in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    done = outsider.post(url, {"decision": "approve"})
    assert done.status_code == 200
    assert 'data-decision="approved"' in done.content.decode()
    again = outsider.post(url, {"decision": "approve"})
    assert again.status_code == 409
    assert outsider.get("/outreach/review/forged/").status_code == 404
    detail = lead.get(reverse("outreach:detail", args=[post.pk]))
    assert "Ms Tanaka" in detail.content.decode()
