"""Pages: draft with previews, approval, publication on the fakes with URLs; the public channel and feed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from tests.outreach.factories import TEXT_EN, TEXT_VI, accounts_on_fakes, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db(transaction=True)
ATOM = "{http://www.w3.org/2005/Atom}"


def _client(who: object) -> Client:
    client = Client()
    client.force_login(who)  # type: ignore[arg-type]
    return client


def test_draft_preview_approve_publish_and_public_channel(
    ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ANALYST, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    form = {
        "title": "Quốc khánh",
        "text_vi": TEXT_VI,
        "text_en": "word " * 61,
        "accounts": [str(a.pk) for a in accounts],
        "scheduled_for": "2026-01-01T08:00",
    }
    writer = _client(author)
    preview = writer.post("/outreach/new/", {**form, "preview": "1"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Refused: over the limit" in body
    assert "<del" in body
    assert Post.objects.count() == 0

    refused = writer.post("/outreach/new/", {**form, "save": "1"})
    assert refused.status_code == 400
    assert "bluesky" in refused.content.decode()

    saved = writer.post("/outreach/new/", {**form, "text_en": TEXT_EN, "save": "1"})
    post = Post.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/outreach/{post.pk}/"
    writer.post(f"/outreach/{post.pk}/submit/")
    assert "Quốc khánh" in _client(reviewer).get("/outreach/queue/").content.decode()
    _client(reviewer).post(f"/outreach/{post.pk}/approve/", {"languages": ["vi", "en"]})
    _client(spokes).post(f"/outreach/{post.pk}/approve/", {"languages": ["vi", "en"]})
    posts_publish_due(actor=Actor.system(purpose="outreach.publish"))

    page = writer.get(f"/outreach/{post.pk}/").content.decode()
    for target in Post.objects.get().targets.all():
        assert target.url
        assert f'href="{target.url}"' in page

    anonymous = Client()
    listing = anonymous.get("/statements/")
    assert listing.status_code == 200
    assert TEXT_VI in listing.content.decode()
    feed = anonymous.get("/statements/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Quốc khánh"]
    assert anonymous.get(f"/statements/{post.pk}/").status_code == 200


def test_unpublished_posts_are_not_public(ministry: Organisation) -> None:
    author = press_officer(ministry)
    _client(author).post(
        "/outreach/new/",
        {"title": "Secret draft", "text_vi": "a", "text_en": "b", "scheduled_for": "2026-01-01T08:00", "save": "1"},
    )
    post = Post.objects.get()
    anonymous = Client()
    assert anonymous.get(f"/statements/{post.pk}/").status_code == 404
    assert "Secret draft" not in anonymous.get("/statements/").content.decode()
    assert anonymous.get(f"/outreach/{post.pk}/").status_code == 302  # to sign-in


def test_calendar_lists_the_week(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    _client(author).post(
        "/outreach/new/",
        {"title": "Weekly", "text_vi": "a", "text_en": "b", "scheduled_for": "2026-03-04T08:00", "save": "1"},
    )
    assert "Weekly" in _client(author).get("/outreach/?week=2026-03-02").content.decode()
    assert "Weekly" not in _client(author).get("/outreach/?week=2026-03-09").content.decode()
    assert _client(press_officer(mission_paris, "paris")).get("/outreach/?week=2026-03-02").status_code == 200
    assert (
        "Weekly"
        not in _client(press_officer(mission_paris, "paris2")).get("/outreach/?week=2026-03-02").content.decode()
    )
    assert _client(user("desk2", Role.DESK_OFFICER, ministry)).get("/outreach/").status_code == 403
