"""Link cards: page metadata read safely, fetched through the safe fetcher, embedded on Bluesky only."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.cards import page_meta
from chancery.outreach.content_models import PostLinkCard
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from tests.conftest import actor_of
from tests.outreach.factories import accounts_on_fakes, draft, press_officer, two_step_workflow, user
from tests.outreach.media_helpers import jpeg_with_gps, page_server

SYSTEM = Actor.system(purpose="outreach.publish")
PAGE = """<!doctype html><html lang="en"><head><title>Fallback title</title>
<meta property="og:title" content="Viet Nam &amp; ASEAN: a shared future">
<meta property="og:description" content="  The Minister's
 address to the   ASEAN Foreign Ministers' Meeting. ">
<meta property="og:image" content="/img/minister.jpg">
</head><body><meta property="og:title" content="ignored: in the body"></body></html>"""


def test_page_meta_reads_open_graph_with_absolute_image() -> None:
    meta = page_meta(PAGE, base_url="https://mofa.gov.vn/news/1")
    assert meta.title == "Viet Nam & ASEAN: a shared future"
    assert meta.description == "The Minister's address to the ASEAN Foreign Ministers' Meeting."
    assert meta.image == "https://mofa.gov.vn/img/minister.jpg"


def test_page_meta_falls_back_to_title_and_description_and_refuses_odd_image_schemes() -> None:
    markup = (
        '<title> Thông cáo báo chí </title><meta name="description" content="Về hợp tác">'
        '<meta property="og:image" content="javascript:alert(1)">'
    )
    meta = page_meta(markup, base_url="https://mofa.gov.vn/")
    assert (meta.title, meta.description, meta.image) == ("Thông cáo báo chí", "Về hợp tác", "")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600), st.sampled_from(["<meta property=", "<title>", "<meta name=description content="]))
def test_page_meta_never_raises_on_arbitrary_markup(markup: str, prefix: str) -> None:
    meta = page_meta(prefix + markup, base_url="https://example.org/")
    assert len(meta.title) <= 300
    assert len(meta.description) <= 1000
    assert meta.image == "" or meta.image.startswith(("http://", "https://"))


@pytest.fixture
def team(ministry: Organisation) -> dict[str, Any]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


@pytest.mark.django_db(transaction=True)
def test_card_fetched_once_and_embedded_on_bluesky(
    team: dict[str, Any], settings: Any, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    settings.INTEL_FETCH_ALLOWLIST = ["127.0.0.1"]
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    with page_server() as site:
        site.pages["/news/1"] = ("text/html; charset=utf-8", PAGE.encode())
        site.pages["/img/minister.jpg"] = ("image/jpeg", jpeg_with_gps(1600, 900))
        link = f"{site.base_url}/news/1"
        post = draft(author, accounts, text_en=f"Read the Minister's address: {link}", link_url=link)
        card = PostLinkCard.objects.get(post=post)
        assert card.title == "Viet Nam & ASEAN: a shared future"
        assert b"SecretCam" not in bytes(card.thumb)
        site.pages.clear()  # the card is not fetched again: publishing uses what was approved
        services.post_submit(actor=actor_of(author), post_id=post.pk)
        for name in ("reviewer", "spokes"):
            services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
        assert posts_publish_due(actor=SYSTEM) == 2
    targets = {t.account.platform: t for t in post.targets.select_related("account")}
    record = fake_bluesky.state.posts[targets["bluesky"].remote_id]["value"]
    external = record["embed"]["external"]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert (external["uri"], external["title"]) == (link, "Viet Nam & ASEAN: a shared future")
    assert external["thumb"]["ref"]["$link"] in fake_bluesky.state.media
    text = record["text"]
    facet = record["facets"][0]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end].decode() == link
    status = fake_mastodon.state.posts[targets["mastodon"].remote_id]
    assert "card" not in status  # Mastodon builds its own from the link in the text
    assert fake_mastodon.state.media == {}


@pytest.mark.django_db(transaction=True)
def test_unreadable_or_private_link_refused_with_the_field(
    team: dict[str, Any], settings: Any, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    settings.INTEL_FETCH_ALLOWLIST = []
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    with page_server() as site:
        site.pages["/news/1"] = ("text/html", PAGE.encode())
        with pytest.raises(InvalidInput) as caught:  # 127.0.0.1 is not public and not allowlisted
            draft(author, accounts, link_url=f"{site.base_url}/news/1")
        assert "cannot be read for its card" in caught.value.errors["link_url"][0]
        settings.INTEL_FETCH_ALLOWLIST = ["127.0.0.1"]
        with pytest.raises(InvalidInput) as caught:
            draft(author, accounts, link_url=f"{site.base_url}/missing")
        assert "HTTP status 404" in caught.value.errors["link_url"][0]
        with pytest.raises(InvalidInput) as caught:
            draft(author, accounts, link_url="ftp://mofa.gov.vn/file")
        assert caught.value.errors["link_url"] == ["Enter the link's full address (https://...)."]
    assert not Post.objects.exists()
