"""Three users for each outreach rule: the allowed press officer or approver, another unit, a partner."""

from __future__ import annotations

import pytest

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach import selectors, services
from chancery.outreach.enums import PostState
from chancery.outreach.models import Post
from chancery.platform import access
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.outreach.factories import PAST, TEXT_EN, TEXT_VI, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(ministry: Organisation, mission_paris: Organisation) -> dict[str, User]:
    partner_org = Organisation.objects.create(code="partner-x", name_en="X", name_vi="X", kind="partner_ministry")
    author = press_officer(ministry)
    approver = press_officer(ministry, "approver")
    spokes = user("spokes", Role.ANALYST, ministry)
    two_step_workflow(author, [approver], [spokes])
    return {
        "author": author,
        "approver": approver,
        "spokes": spokes,
        "desk": user("desk-hq", Role.DESK_OFFICER, ministry),
        "other_unit": press_officer(mission_paris, "paris-press"),
        "partner": user("partner", Role.PARTNER, partner_org),
    }


@pytest.fixture
def post(people: dict[str, User]) -> Post:
    content = services.PostIn(title="T", text_vi=TEXT_VI, text_en=TEXT_EN, account_ids=[], scheduled_for=PAST)
    return services.post_create(actor=actor_of(people["author"]), content=content)


def _can(people: dict[str, User], name: str, action: str, obj: object = None) -> bool:
    return access.can(actor_of(people[name]), action, obj)


def test_draft_press_officer_only(people: dict[str, User]) -> None:
    assert _can(people, "author", "outreach.draft")
    assert not _can(people, "desk", "outreach.draft")  # other role
    assert _can(people, "other_unit", "outreach.draft")  # drafts for its own unit only
    assert not _can(people, "partner", "outreach.draft")


def test_view_author_unit_press_and_approvers_only(people: dict[str, User], post: Post) -> None:
    for name in ("author", "approver", "spokes"):
        assert _can(people, name, "outreach.view", post), name
    for name in ("desk", "other_unit", "partner"):
        assert not _can(people, name, "outreach.view", post), name
    with pytest.raises(NotFound):  # hidden, not merely refused
        selectors.post_get(actor=actor_of(people["other_unit"]), post_id=post.pk)
    assert list(selectors.post_list(actor=actor_of(people["other_unit"]))) == []
    assert list(selectors.post_list(actor=actor_of(people["partner"]))) == []
    assert list(selectors.post_list(actor=actor_of(people["spokes"]))) == [post]


def test_edit_and_submit_author_only(people: dict[str, User], post: Post) -> None:
    assert _can(people, "author", "outreach.edit", post)
    assert _can(people, "author", "outreach.submit", post)
    for name in ("approver", "other_unit", "partner"):
        assert not _can(people, name, "outreach.edit", post), name
        assert not _can(people, name, "outreach.submit", post), name
    with pytest.raises(PermissionDenied):
        services.post_submit(actor=actor_of(people["approver"]), post_id=post.pk)


def test_approve_current_step_approver_only(people: dict[str, User], post: Post) -> None:
    services.post_submit(actor=actor_of(people["author"]), post_id=post.pk)
    post.refresh_from_db()
    assert _can(people, "approver", "outreach.approve", post)
    assert not _can(people, "spokes", "outreach.approve", post)  # step 2, not yet
    for name in ("author", "other_unit", "partner"):
        assert not _can(people, name, "outreach.approve", post), name
    with pytest.raises(NotFound):  # another unit cannot even see it
        services.post_approve(actor=actor_of(people["other_unit"]), post_id=post.pk)
    assert [p.pk for p in selectors.approval_queue(actor=actor_of(people["approver"]))] == [post.pk]
    assert selectors.approval_queue(actor=actor_of(people["spokes"])) == []


def test_recover_unit_press_office_only(people: dict[str, User], post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(state=PostState.ATTENTION)
    post.refresh_from_db()
    assert _can(people, "approver", "outreach.recover", post)
    for name in ("desk", "other_unit", "partner"):
        assert not _can(people, name, "outreach.recover", post), name


def test_manage_own_unit_only(people: dict[str, User], ministry: Organisation, mission_paris: Organisation) -> None:
    assert _can(people, "author", "outreach.manage", ministry.pk)
    assert not _can(people, "author", "outreach.manage", mission_paris.pk)
    assert not _can(people, "desk", "outreach.manage", ministry.pk)
    assert not _can(people, "partner", "outreach.manage", None)
    with pytest.raises(PermissionDenied):
        services.workflow_set(
            actor=actor_of(people["desk"]), steps=[services.StepIn("x", "any", [people["spokes"].pk])]
        )
