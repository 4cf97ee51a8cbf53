"""From spike to reply: a response carries its alert and stories through approval to publication."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.intelligence.models import Alert, Item, Source
from chancery.missions.models import Organisation
from chancery.outreach import selectors, services
from chancery.outreach.enums import PostState
from chancery.outreach.models import Evidence, Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.outreach.factories import PAST, TEXT_EN, TEXT_VI, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db
FIGURES = {"value": 42.0, "mean": 5.1, "std": 2.0, "z": 18.45, "count": 42, "baseline_days": 28}


@pytest.fixture
def spike() -> Alert:
    source = Source.objects.create(key="rss:test", name="Test wire", kind="rss", url="http://127.0.0.1:1/feed")
    alert = Alert.objects.create(
        kind="spike", subject="country:VNM", measure="volume", day=date(2026, 11, 27), figures=FIGURES
    )
    for n in (1, 2):
        item = Item.objects.create(
            source=source,
            external_id=f"s{n}",
            url=f"https://news.example/story-{n}",
            title=f"Story {n} about the East Sea",
            text="…",
            content_hash=f"{n:064x}",
        )
        alert.items.add(item)
    return alert


def _content() -> services.PostIn:
    return services.PostIn(title="Reply", text_vi=TEXT_VI, text_en=TEXT_EN, account_ids=[], scheduled_for=PAST)


def test_response_carries_evidence_through_approval_to_publication(ministry: Organisation, spike: Alert) -> None:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ANALYST, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    post = services.post_respond(actor=actor_of(author), alert_id=spike.pk, content=_content())
    rows = list(Evidence.objects.filter(post=post).order_by("position"))
    assert [r.kind for r in rows] == ["alert", "story", "story"]
    assert rows[0].figures["z"] == 18.45
    assert rows[0].label == "country:VNM volume 2026-11-27"
    assert {r.source_url for r in rows[1:]} == {"https://news.example/story-1", "https://news.example/story-2"}
    services.post_submit(actor=actor_of(author), post_id=post.pk)
    services.post_approve(actor=actor_of(reviewer), post_id=post.pk)
    services.post_approve(actor=actor_of(spokes), post_id=post.pk)
    posts_publish_due(actor=Actor.system(purpose="test"))
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    trail = list(
        AuditEvent.objects.filter(object_type="outreach.post", object_id=str(post.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert trail == [
        "outreach.post_created",
        "outreach.post_submitted",
        "outreach.post_approved",
        "outreach.post_approved",
        "outreach.statement_published",
    ]
    created = AuditEvent.objects.get(object_id=str(post.pk), action="outreach.post_created")
    assert created.detail["alert"] == spike.pk
    assert sorted(created.detail["stories"]) == sorted(spike.items.values_list("pk", flat=True))
    # The evidence survives the alert's deletion (a snapshot, not a live view).
    spike.delete()
    kept = selectors.post_evidence(actor=actor_of(author), post=post)
    assert kept[0].label.startswith("country:VNM")
    assert kept[0].alert_id is None


def test_only_visible_alerts_and_press_officers(
    ministry: Organisation, mission_paris: Organisation, spike: Alert
) -> None:
    author = press_officer(ministry)
    someone = user("analyst", Role.ANALYST, ministry)
    private = Alert.objects.create(kind="watch", owner=someone)
    with pytest.raises(NotFound):  # another user's watchlist alert
        services.post_respond(actor=actor_of(author), alert_id=private.pk, content=_content())
    with pytest.raises(PermissionDenied):  # not a press officer
        services.post_respond(actor=actor_of(someone), alert_id=spike.pk, content=_content())
    partner_org = Organisation.objects.create(code="partner-z", name_en="Z", name_vi="Z", kind="partner_ministry")
    with pytest.raises(PermissionDenied):
        services.post_respond(
            actor=actor_of(user("partner", Role.PARTNER, partner_org)), alert_id=spike.pk, content=_content()
        )
    assert not Post.objects.exists()
    assert not Evidence.objects.exists()


def test_respond_page_and_post_page_show_evidence(ministry: Organisation, spike: Alert) -> None:
    author = press_officer(ministry)
    client = Client()
    client.force_login(author)
    compose = client.get(reverse("outreach:compose"))
    assert reverse("outreach:respond", args=[spike.pk]) in compose.content.decode()
    page = client.get(reverse("outreach:respond", args=[spike.pk]))
    assert page.status_code == 200
    assert "Story 1 about the East Sea" in page.content.decode()
    form = {
        "title": "Reply",
        "text_vi": TEXT_VI,
        "text_en": TEXT_EN,
        "scheduled_for": "2026-12-01T09:00",
    }
    saved = client.post(reverse("outreach:respond", args=[spike.pk]), form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    post = Post.objects.get()
    detail = client.get(saved["Location"]).content.decode()
    assert 'id="evidence"' in detail
    assert reverse("intelligence:item", args=[spike.items.first().pk]) in detail  # type: ignore[union-attr]
    assert "<dt>z</dt><dd>18" in detail  # the figures behind the alert (number localised)
    assert post.evidence.count() == 3
    assert client.get(reverse("outreach:respond", args=[999999])).status_code == 404
