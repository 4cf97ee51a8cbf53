"""Results per post and per campaign (totals, over time, by platform, language, region), pages and API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.content_models import EngagementSnapshot
from chancery.outreach.engagement import engagement_import
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Campaign, Post, Target
from chancery.outreach.publishing import posts_publish_due
from chancery.outreach.results import campaign_results, post_results
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from tests.conftest import actor_of
from tests.outreach.factories import accounts_on_fakes, draft, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="outreach.engagement")
BASE = "/api/v1/outreach"
DAY_1 = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
DAY_3 = datetime(2026, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(ministry: Organisation) -> dict[str, Any]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.DESK_OFFICER, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


def _client(who: object) -> Client:
    client = Client()
    client.force_login(who)  # type: ignore[arg-type]
    return client


def _publish(team: dict[str, Any], accounts: list[Any], **changes: Any) -> Post:
    post = draft(team["author"], accounts, **changes)
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    posts_publish_due(actor=Actor.system(purpose="outreach.publish"))
    Target.objects.filter(post=post).update(published_at=DAY_1)
    return post


def _copies(post: Post) -> dict[str, Target]:
    return {t.account.platform: t for t in post.targets.select_related("account")}


@pytest.fixture
def campaign_posts(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> tuple[Campaign, Post, Post]:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)
    campaign = services.campaign_create(
        actor=actor_of(team["author"]),
        campaign=services.CampaignIn(
            name_vi="Ngoại giao kinh tế", name_en="Economic diplomacy", starts_on=date(2026, 1, 1)
        ),
    )
    first = _publish(team, accounts, campaign_id=campaign.pk)
    second = _publish(team, accounts, campaign_id=campaign.pk, title="Second")
    for post, factor in ((first, 1), (second, 2)):
        copies = _copies(post)
        fake_mastodon.engage(copies["mastodon"].remote_id, favourites=5 * factor, reblogs=1)
        fake_bluesky.engage(copies["bluesky"].remote_id, likes=10 * factor, reposts=2)
    engagement_import(actor=SYSTEM, now=DAY_1)
    fake_mastodon.engage(_copies(first)["mastodon"].remote_id, favourites=7)
    fake_mastodon.reply_from(
        _copies(first)["mastodon"].remote_id, acct="hoa@social.vn", text="Tuyệt vời!", language="vi"
    )
    engagement_import(actor=SYSTEM, now=DAY_3)
    return campaign, first, second


def test_post_results_totals_over_time_by_platform_and_language(
    team: dict[str, Any], campaign_posts: tuple[Campaign, Post, Post]
) -> None:
    _campaign, first, _second = campaign_posts
    post, found = post_results(actor=actor_of(team["author"]), post_id=first.pk)
    assert post == first
    totals = found.totals
    assert (totals.likes, totals.reposts, totals.replies, totals.copies) == (22, 3, 1, 2)
    assert totals.reach is None  # neither platform reports reach
    assert {g.key: g.totals.likes for g in found.by_platform} == {"bluesky": 10, "mastodon": 12}
    assert {g.key: g.totals.likes for g in found.by_language} == {"en": 10, "vi": 12}
    assert found.by_region == []
    assert found.regions_unreported == ["bluesky", "mastodon"]
    assert [(p.day, p.likes) for p in found.over_time] == [
        (date(2026, 1, 2), 15),
        (date(2026, 1, 3), 15),  # no reading that day: the latest one carries
        (date(2026, 1, 4), 22),
    ]
    assert (found.replies_imported, found.replies_sent) == (1, 0)


def test_regions_only_where_the_platform_reports_them(
    team: dict[str, Any], campaign_posts: tuple[Campaign, Post, Post]
) -> None:
    _campaign, first, _second = campaign_posts
    mastodon = _copies(first)["mastodon"]
    EngagementSnapshot.objects.create(
        target=mastodon, taken_at=DAY_3, likes=12, reposts=1, replies=1, reach=150, regions={"VN": 120, "JP": 30}
    )
    _post, found = post_results(actor=actor_of(team["author"]), post_id=first.pk)
    assert [(g.key, g.totals.reach) for g in found.by_region] == [("VN", 120), ("JP", 30)]
    assert found.regions_unreported == ["bluesky"]
    assert found.totals.reach == 150


def test_campaign_results_sum_the_posts(team: dict[str, Any], campaign_posts: tuple[Campaign, Post, Post]) -> None:
    campaign, first, second = campaign_posts
    _found_campaign, found = campaign_results(actor=actor_of(team["author"]), campaign_id=campaign.pk)
    assert {line.post.pk: line.totals.likes for line in found.posts} == {first.pk: 22, second.pk: 30}
    assert found.totals.likes == 52
    assert found.totals.copies == 4


def test_results_hidden_from_other_units(
    team: dict[str, Any], mission_tokyo: Organisation, campaign_posts: tuple[Campaign, Post, Post]
) -> None:
    campaign, first, _second = campaign_posts
    outsider = press_officer(mission_tokyo, "tokyo-press")
    with pytest.raises(NotFound):
        post_results(actor=actor_of(outsider), post_id=first.pk)
    with pytest.raises(NotFound):
        campaign_results(actor=actor_of(outsider), campaign_id=campaign.pk)
    assert _client(outsider).get(f"/outreach/{first.pk}/results/").status_code == 404
    assert _client(outsider).get(f"{BASE}/campaigns/{campaign.pk}/results").status_code == 404


def test_sending_replies_needs_the_press_office(
    team: dict[str, Any], campaign_posts: tuple[Campaign, Post, Post]
) -> None:
    _campaign, first, _second = campaign_posts
    assert access.can(actor_of(team["author"]), "outreach.engagement_send", first)
    assert not access.can(actor_of(team["spokes"]), "outreach.engagement_send", first)  # an approver, desk officer
    refused = _client(team["spokes"]).post(f"{BASE}/posts/{first.pk}/replies/send", {}, content_type="application/json")
    assert refused.status_code == 403


def test_results_pages_and_api(team: dict[str, Any], campaign_posts: tuple[Campaign, Post, Post]) -> None:
    campaign, first, _second = campaign_posts
    browser = _client(team["author"])
    page = browser.get(f"/outreach/{first.pk}/results/")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="total-likes">22</dd>' in body
    assert "No regional data: bluesky, mastodon do not report where the audience is" in body
    assert "Tuyệt vời!" in body
    sent = browser.post(f"/outreach/{first.pk}/results/send/")
    assert sent.status_code == 302
    assert "1 replies sent to the intelligence pipeline." in browser.get(sent["Location"]).content.decode()

    campaign_page = browser.get(f"/outreach/campaigns/{campaign.pk}/results/")
    assert campaign_page.status_code == 200
    assert "Second" in campaign_page.content.decode()

    api = browser.get(f"{BASE}/posts/{first.pk}/results").json()
    assert api["totals"] == {"likes": 22, "reposts": 3, "replies": 1, "quotes": 0, "reach": None, "copies": 2}
    assert api["regions_unreported"] == ["bluesky", "mastodon"]
    assert [point["likes"] for point in api["over_time"]] == [15, 15, 22]
    assert api["replies_sent"] == 1
    campaign_api = browser.get(f"{BASE}/campaigns/{campaign.pk}/results").json()
    assert [line["totals"]["likes"] for line in campaign_api["posts"]] == [22, 30]
    replies = browser.get(f"{BASE}/posts/{first.pk}/replies").json()
    assert [(r["author"], r["platform"], r["sent_at"] is not None) for r in replies] == [
        ("@hoa@social.vn", "mastodon", True)
    ]
    again = browser.post(f"{BASE}/posts/{first.pk}/replies/send", {}, content_type="application/json")
    assert again.json() == {"sent": 0}


def test_templates_page_saves_a_template(team: dict[str, Any]) -> None:
    browser = _client(team["author"])
    refused = browser.post("/outreach/templates/", {"name": "Quốc khánh", "text_vi": "", "text_en": "National Day"})
    assert refused.status_code == 400
    saved = browser.post(
        "/outreach/templates/", {"name": "Quốc khánh", "text_vi": "Chúc mừng Quốc khánh", "text_en": "National Day"}
    )
    assert saved.status_code == 302
    assert "Quốc khánh" in browser.get("/outreach/templates/").content.decode()
    assert _client(team["spokes"]).get("/outreach/templates/").status_code == 403
