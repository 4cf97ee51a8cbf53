"""A bilingual thread through approval to X (reply chain, fetched back), and a retry mid-thread on X."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.account_services import SignInStart, account_sign_in_complete, account_sign_in_start
from chancery.outreach.content import PartIn
from chancery.outreach.content_models import TargetPart
from chancery.outreach.enums import PostState, TargetState
from chancery.outreach.fake_platforms import X_CLIENT_ID, X_CLIENT_SECRET, FakeX
from chancery.outreach.models import Account, Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from tests.conftest import actor_of
from tests.outreach.factories import draft, press_officer, two_step_workflow, user
from tests.outreach.platform_fakes import fake_x

__all__ = ["fake_x"]

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="outreach.publish")
CALLBACK = "http://testserver/outreach/accounts/callback/"
PARTS = [
    PartIn("Hai bên nhất trí tăng cường hợp tác kinh tế.", "Both sides agreed to deepen economic cooperation."),
    PartIn("Việt Nam sẵn sàng đồng hành cùng các đối tác.", "Viet Nam stands ready to work with its partners."),
]


@pytest.fixture
def team(ministry: Organisation, settings: Any) -> dict[str, Any]:
    settings.OUTREACH_X_CLIENT_ID, settings.OUTREACH_X_CLIENT_SECRET = X_CLIENT_ID, X_CLIENT_SECRET
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


def _x_account(team: dict[str, Any], server: FakeX, language: str) -> Account:
    actor = actor_of(team["author"])
    start = SignInStart(platform="x", language=language, base_url=server.base_url, web_base_url=server.base_url)
    redirect = httpx.get(account_sign_in_start(actor=actor, start=start, callback_base=CALLBACK), timeout=5)
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["location"]).query).items()}
    query["server"] = urlsplit(redirect.headers["location"]).path.rstrip("/").rsplit("/", 1)[1]
    return account_sign_in_complete(actor=actor, server=query["server"], state=query["state"], code=query["code"])


def _approved(team: dict[str, Any], post: Post) -> Post:
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        post = services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    assert post.state == PostState.APPROVED
    return post


def test_a_vietnamese_thread_is_a_reply_chain_on_x(team: dict[str, Any], fake_x: FakeX) -> None:
    account = _x_account(team, fake_x, "vi")
    post = _approved(team, draft(team["author"], [account], parts=PARTS))
    assert posts_publish_due(actor=SYSTEM) == 1
    target = post.targets.get()
    assert target.state == TargetState.PUBLISHED
    parts = list(TargetPart.objects.filter(target=target).order_by("position"))
    stored = [fake_x.state.posts[part.remote_id] for part in parts]
    assert [p["reply_to"] for p in stored] == [None, stored[0]["id"], stored[1]["id"]]
    assert stored[2]["text_sent"] == PARTS[1].text_vi
    assert target.url == f"{fake_x.base_url}/MOFAVietNam/status/{stored[0]['id']}"


def test_a_dropped_answer_mid_thread_does_not_post_a_part_twice(team: dict[str, Any], fake_x: FakeX) -> None:
    account = _x_account(team, fake_x, "en")
    post = _approved(team, draft(team["author"], [account], parts=PARTS))
    fake_x.fail_next("drop")  # the first part goes out, its answer is lost
    posts_publish_due(actor=SYSTEM)
    target = post.targets.get()
    assert target.state == TargetState.RETRYING
    assert fake_x.state.writes == 1
    assert target.next_attempt_at is not None
    posts_publish_due(actor=SYSTEM, now=target.next_attempt_at)
    target.refresh_from_db()
    assert target.state == TargetState.PUBLISHED
    assert fake_x.state.writes == 3  # three parts, each once
    assert sorted(p["text_sent"] for p in fake_x.state.posts.values()) == sorted(
        [post.text_en, PARTS[0].text_en, PARTS[1].text_en]
    )
