"""Engagement read back from the fake X and Facebook servers: counts, reach where reported, replies, mentions."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.account_services import SignInStart, account_sign_in_complete, account_sign_in_start
from chancery.outreach.connectors import engagement_parsing as parsing
from chancery.outreach.connectors.errors import MalformedResponse
from chancery.outreach.content import PartIn
from chancery.outreach.content_models import EngagementSnapshot, SocialReply
from chancery.outreach.engagement import engagement_import
from chancery.outreach.fake_platforms import (
    FACEBOOK_APP_ID,
    FACEBOOK_APP_SECRET,
    X_CLIENT_ID,
    X_CLIENT_SECRET,
    FakeFacebook,
    FakeX,
)
from chancery.outreach.models import Account, Post, Target
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from tests.conftest import actor_of
from tests.outreach.factories import draft, press_officer, two_step_workflow, user
from tests.outreach.platform_fakes import fake_facebook, fake_x

__all__ = ["fake_facebook", "fake_x"]

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="outreach.engagement")
PUBLISHER = Actor.system(purpose="outreach.publish")
CALLBACK = "http://testserver/outreach/accounts/callback/"


@pytest.fixture
def team(ministry: Organisation, settings: Any) -> dict[str, Any]:
    settings.OUTREACH_X_CLIENT_ID, settings.OUTREACH_X_CLIENT_SECRET = X_CLIENT_ID, X_CLIENT_SECRET
    settings.OUTREACH_FACEBOOK_APP_ID, settings.OUTREACH_FACEBOOK_APP_SECRET = FACEBOOK_APP_ID, FACEBOOK_APP_SECRET
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


def _signed_in(team: dict[str, Any], start: SignInStart) -> Account:
    actor = actor_of(team["author"])
    redirect = httpx.get(account_sign_in_start(actor=actor, start=start, callback_base=CALLBACK), timeout=5)
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["location"]).query).items()}
    query["server"] = urlsplit(redirect.headers["location"]).path.rstrip("/").rsplit("/", 1)[1]
    return account_sign_in_complete(actor=actor, server=query["server"], state=query["state"], code=query["code"])


def x_account(team: dict[str, Any], server: FakeX, language: str = "en") -> Account:
    """Connect the fake X account through its OAuth sign-in."""
    start = SignInStart(platform="x", language=language, base_url=server.base_url, web_base_url=server.base_url)
    return _signed_in(team, start)


def facebook_account(team: dict[str, Any], server: FakeFacebook, language: str = "vi") -> Account:
    """Connect the fake Facebook Page through the Login dialog."""
    start = SignInStart(platform="facebook", language=language, base_url=server.graph_url, web_base_url=server.base_url)
    return _signed_in(team, start)


def _published(team: dict[str, Any], accounts: list[Account], **changes: Any) -> Post:
    post = draft(team["author"], accounts, **changes)
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    posts_publish_due(actor=PUBLISHER)
    return post


def _copy(post: Post, platform: str) -> Target:
    return post.targets.select_related("account").get(account__platform=platform)


def test_x_counts_impressions_replies_and_mentions(team: dict[str, Any], fake_x: FakeX) -> None:
    post = _published(team, [x_account(team, fake_x)], parts=[PartIn("Phần hai.", "Part two.")])
    copy = _copy(post, "x")
    fake_x.engage(copy.remote_id, likes=21, reposts=4, quotes=2, impressions=1500)
    fake_x.reply_from(copy.remote_id, username="hanoi_reader", text="Tin rất tốt!", lang="vi")
    mention = fake_x.reply_from(copy.remote_id, username="journalist", text="@MOFAVietNam When?", mention=True)
    nested = fake_x.reply_from(mention, username="analyst", text="Good question.")

    result = engagement_import(actor=SYSTEM)
    assert (result.readings, result.failed_accounts) == (1, [])
    reading = EngagementSnapshot.objects.get(target=copy)
    # X counts the thread's own second part and the two direct replies among the post's replies.
    assert (reading.likes, reading.reposts, reading.replies, reading.quotes, reading.reach) == (21, 4, 3, 2, 1500)
    replies = {r.author: r for r in SocialReply.objects.all()}
    assert set(replies) == {"@hanoi_reader", "@journalist", "@analyst"}  # the thread's own part is not a reply
    assert replies["@hanoi_reader"].language == "vi"
    assert replies["@hanoi_reader"].url == f"{fake_x.base_url}/hanoi_reader/status/{replies['@hanoi_reader'].remote_id}"
    assert replies["@analyst"].remote_id == nested
    assert replies["@analyst"].target == copy  # a reply to a reply belongs to the same post
    assert all(r.target == copy for r in replies.values())

    engagement_import(actor=SYSTEM)  # read again: a second reading, no reply twice (the mention included)
    assert EngagementSnapshot.objects.filter(target=copy).count() == 2
    assert SocialReply.objects.count() == 3


def test_x_without_non_public_metrics_reports_no_reach(team: dict[str, Any], fake_x: FakeX) -> None:
    post = _published(team, [x_account(team, fake_x)])
    copy = _copy(post, "x")
    fake_x.non_public = False  # the token may not read impressions
    fake_x.engage(copy.remote_id, likes=3, impressions=900)
    engagement_import(actor=SYSTEM)
    reading = EngagementSnapshot.objects.get(target=copy)
    assert (reading.likes, reading.reach) == (3, None)


def test_x_post_deleted_is_gone_and_revoked_token_fails_the_account(team: dict[str, Any], fake_x: FakeX) -> None:
    post = _published(team, [x_account(team, fake_x)])
    del fake_x.state.posts[_copy(post, "x").remote_id]
    result = engagement_import(actor=SYSTEM)
    assert (result.readings, result.gone, result.failed_accounts) == (0, 1, [])
    fake_x.auth.revoke_all()
    result = engagement_import(actor=SYSTEM)
    assert len(result.failed_accounts) == 1
    failed = AuditEvent.objects.get(action="outreach.engagement_failed")
    assert failed.detail == {"platform": "x", "error": "credentials_rejected"}


def test_facebook_reactions_shares_comments_reach_and_tags(team: dict[str, Any], fake_facebook: FakeFacebook) -> None:
    post = _published(team, [facebook_account(team, fake_facebook)])
    copy = _copy(post, "facebook")
    fake_facebook.engage(copy.remote_id, reactions=57, shares=6, reach=4200)
    fake_facebook.comment_from(copy.remote_id, name="Nguyễn Văn An", text="Rất đáng tự hào.")
    fake_facebook.comment_from(copy.remote_id, name="Trần Thị Bình", text="Khi nào ký?", mention=True)

    result = engagement_import(actor=SYSTEM)
    assert (result.readings, result.failed_accounts) == (1, [])
    reading = EngagementSnapshot.objects.get(target=copy)
    assert (reading.likes, reading.reposts, reading.replies, reading.quotes, reading.reach) == (57, 6, 2, None, 4200)
    comments = SocialReply.objects.filter(kind="reply")
    assert {c.author for c in comments} == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert all(c.target == copy and c.url.startswith(fake_facebook.base_url) for c in comments)
    tagged = SocialReply.objects.get(kind="mention")
    assert tagged.author == "Trần Thị Bình"
    assert tagged.target is None  # a post tagging the page is not an answer to one of ours

    engagement_import(actor=SYSTEM)
    assert SocialReply.objects.count() == 3


def test_facebook_without_insights_reports_no_reach(team: dict[str, Any], fake_facebook: FakeFacebook) -> None:
    post = _published(team, [facebook_account(team, fake_facebook)])
    copy = _copy(post, "facebook")
    fake_facebook.insights = False  # no read_insights permission
    fake_facebook.engage(copy.remote_id, reactions=5, reach=80)
    engagement_import(actor=SYSTEM)
    reading = EngagementSnapshot.objects.get(target=copy)
    assert (reading.likes, reading.reach) == (5, None)


def test_results_page_shows_reach_where_reported(
    team: dict[str, Any], fake_x: FakeX, fake_facebook: FakeFacebook
) -> None:
    post = _published(team, [x_account(team, fake_x), facebook_account(team, fake_facebook)])
    fake_x.non_public = False
    fake_facebook.engage(_copy(post, "facebook").remote_id, reactions=9, reach=300)
    engagement_import(actor=SYSTEM)
    browser = Client()
    browser.force_login(team["author"])
    page = browser.get(f"/outreach/{post.pk}/results/").content.decode()
    assert '<dd id="total-reach">300 <small>(not reported by x)</small></dd>' in page
    api = browser.get(f"/api/v1/outreach/posts/{post.pk}/results").json()
    assert (api["totals"]["reach"], api["reach_unreported"]) == (300, ["x"])


# --- Parsers of outside input (property tests) -------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
METRICS = st.fixed_dictionaries(
    {
        "like_count": st.integers(0, 10**9),
        "retweet_count": st.integers(0, 10**9),
        "reply_count": st.integers(0, 10**9),
        "quote_count": st.integers(0, 10**9),
    }
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(JSON)
def test_parsers_never_fail_other_than_malformed(data: object) -> None:
    body = json.dumps(data).encode()
    for parse in (
        lambda: parsing.x_counts(body, post_id="1"),
        lambda: parsing.x_social_posts(body, kind="reply", web_base="https://x.com"),
        lambda: parsing.facebook_counts(body),
        lambda: parsing.facebook_reach(body),
        lambda: parsing.facebook_social_posts(body, kind="reply", in_reply_to="1_2"),
    ):
        with contextlib.suppress(MalformedResponse):
            parse()


@hypothesis_settings(max_examples=100, deadline=None)
@given(METRICS, st.none() | st.integers(0, 10**9))
def test_x_counts_round_trip(metrics: dict[str, int], impressions: int | None) -> None:
    entry: dict[str, Any] = {"id": "42", "text": "t", "public_metrics": metrics}
    if impressions is not None:
        entry["non_public_metrics"] = {"impression_count": impressions}
    counts = parsing.x_counts(json.dumps({"data": [entry]}).encode(), post_id="42")
    assert counts is not None
    assert (counts.likes, counts.reposts, counts.replies, counts.quotes, counts.reach) == (
        metrics["like_count"],
        metrics["retweet_count"],
        metrics["reply_count"],
        metrics["quote_count"],
        impressions,
    )
    assert parsing.x_counts(json.dumps({"errors": [{"title": "Not Found Error"}]}).encode(), post_id="42") is None


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**9), st.integers(0, 10**9), st.none() | st.integers(1, 10**9))
def test_facebook_counts_round_trip(reactions: int, comments: int, shares: int | None) -> None:
    body: dict[str, Any] = {
        "id": "1_2",
        "reactions": {"data": [], "summary": {"total_count": reactions}},
        "comments": {"data": [], "summary": {"total_count": comments}},
    }
    if shares is not None:
        body["shares"] = {"count": shares}
    counts = parsing.facebook_counts(json.dumps(body).encode())
    assert (counts.likes, counts.replies, counts.reposts, counts.reach) == (reactions, comments, shares or 0, None)
