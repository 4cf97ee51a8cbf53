"""Initiative trackers: validation, the three-user rules, matching, figures with intervals, pages and API."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.intelligence.initiatives import initiative_create, initiative_update
from chancery.intelligence.initiatives_selectors import initiative_get, initiative_list, initiative_tracker
from chancery.intelligence.models import Enrichment, Initiative, Item
from chancery.intelligence.services import items_ingest
from chancery.platform import access
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import actor_of, enable_totp
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)  # a Wednesday: the week runs 23 to 29 November
API = "/api/v1/intelligence/initiatives"


def _client(user: User) -> Client:
    from allauth.mfa.utils import is_mfa_enabled

    if user.mfa_required and not is_mfa_enabled(user):
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _define(user: User, **overrides: object) -> Initiative:
    fields: dict[str, object] = {
        "name_en": "Economic cooperation with Japan",
        "name_vi": "Hợp tác kinh tế với Nhật Bản",
        "keywords": ["hợp tác kinh tế"],
    }
    fields.update(overrides)
    return initiative_create(actor=actor_of(user), **fields)  # type: ignore[arg-type]


@pytest.fixture
def stored(analyst: User) -> dict[str, Item]:
    """Five stories: three Vietnamese, two English, with tones set so the figures are known."""
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)  # this week (Monday)
    earlier = datetime(2026, 11, 10, 9, tzinfo=UTC)  # two weeks before
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("vi1", VI_TEXT, title="Hợp tác Việt - Nhật", published=at, lang="vi"),
            raw("vi2", VI_TEXT + " Lần hai.", title="Hợp tác kinh tế lần hai", published=at, lang="vi"),
            raw("vi3", VI_TEXT + " Lần ba.", title="Hợp tác kinh tế lần ba", published=earlier, lang="vi"),
            raw("en1", EN_TEXT, title="Japan, Viet Nam sign deal", published=at, lang="en"),
            raw("war", CONFLICT_TEXT, title="Fighting in Tigray", published=at, lang="en"),
        ],
    )
    tones = {"vi1": ("negative", -0.6), "vi2": ("positive", 0.4), "vi3": ("positive", 0.8), "en1": ("neutral", 0.0)}
    for external_id, (tone, score) in tones.items():
        Enrichment.objects.filter(item__external_id=external_id).update(sentiment=tone, sentiment_score=score)
    return {item.external_id: item for item in Item.objects.all()}


# --- validation -------------------------------------------------------------------------------------------------


def test_empty_keywords_unknown_countries_and_languages_are_refused(analyst: User) -> None:
    with pytest.raises(InvalidInput) as empty:
        _define(analyst, keywords=["  ", ""])
    assert "keywords" in empty.value.errors
    with pytest.raises(InvalidInput) as countries:
        _define(analyst, countries=["VNM", "XXX"])
    assert "XXX" in countries.value.errors["countries"][0]
    with pytest.raises(InvalidInput) as languages:
        _define(analyst, languages=["vi", "klingon"])
    assert "klingon" in languages.value.errors["languages"][0]
    with pytest.raises(InvalidInput) as names:
        _define(analyst, name_vi=" ")
    assert set(names.value.errors) == {"name_vi"}
    assert not Initiative.objects.exists()


def test_entities_alone_suffice_and_values_are_cleaned(analyst: User) -> None:
    initiative = _define(analyst, keywords=[], organisations=["ASEAN", "ASEAN"], countries=["vnm"], languages=["VI"])
    assert initiative.organisations == ["ASEAN"]
    assert initiative.countries == ["VNM"]
    assert initiative.languages == ["vi"]
    assert AuditEvent.objects.filter(action="intelligence.initiative_created", object_id=str(initiative.pk)).exists()


def test_update_audits_changed_fields(analyst: User) -> None:
    initiative = _define(analyst)
    initiative_update(
        actor=actor_of(analyst),
        initiative_id=initiative.pk,
        name_en=initiative.name_en,
        name_vi=initiative.name_vi,
        keywords=["Biển Đông"],
    )
    initiative.refresh_from_db()
    assert initiative.keywords == ["Biển Đông"]
    event = AuditEvent.objects.filter(action="intelligence.initiative_changed").latest("pk")
    assert event.detail == {"fields": ["keywords"]}
    with pytest.raises(NotFound):
        initiative_update(actor=actor_of(analyst), initiative_id=99999, name_en="a", name_vi="b", keywords=["x"])


# --- permissions: allowed / other role or unit / partner ----------------------------------------------------------


def test_define_analysts_only(analyst: User, desk_officer: User, partner_user: User) -> None:
    assert access.can(actor_of(analyst), "intelligence.define_initiative")
    assert not access.can(actor_of(desk_officer), "intelligence.define_initiative")
    partner_user.role = "analyst"  # an analyst's role does not make a partner an insider
    assert not access.can(actor_of(partner_user), "intelligence.define_initiative")
    with pytest.raises(PermissionDenied):
        _define(desk_officer)


def test_read_internal_users_only(analyst: User, other_mission_officer: User, partner_user: User) -> None:
    initiative = _define(analyst)
    assert initiative_get(actor=actor_of(analyst), initiative_id=initiative.pk) == initiative
    assert list(initiative_list(actor=actor_of(other_mission_officer))) == [initiative]
    assert list(initiative_list(actor=actor_of(partner_user))) == []
    with pytest.raises(NotFound):
        initiative_tracker(actor=actor_of(partner_user), initiative_id=initiative.pk)


# --- the tracker ---------------------------------------------------------------------------------------------------


def test_tracker_counts_with_intervals_and_labels(stored: dict[str, Item], analyst: User, desk_officer: User) -> None:
    initiative = _define(analyst, keywords=["hop tac kinh te", "economic cooperation"])  # accents optional
    tracker = initiative_tracker(actor=actor_of(desk_officer), initiative_id=initiative.pk, today=TODAY)
    assert tracker.overall.n == 4  # the Tigray story holds neither term
    assert (tracker.overall.negative.k, tracker.overall.positive.k) == (1, 2)
    assert tracker.overall.small
    assert tracker.overall.mean.value == pytest.approx((-0.6 + 0.4 + 0.8 + 0.0) / 4)
    assert tracker.overall.mean.low is not None
    assert tracker.overall.mean.low < (tracker.overall.mean.value or 0.0)
    this_week = tracker.buckets[-1]
    assert (this_week.start, this_week.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert this_week.reading.n == 3
    assert tracker.buckets[-3].reading.n == 1  # the week of 9 November
    assert {r.key: r.n for r in tracker.by_language} == {"vi": 3, "en": 1}
    assert tracker.models
    assert sum(count for _model, count in tracker.models) == 4
    assert tracker.cutoff == datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert {item.external_id for item in tracker.stories} == {"vi1", "vi2", "vi3", "en1"}


def test_tracker_daily_buckets_and_stories_of_one_bucket(stored: dict[str, Item], analyst: User) -> None:
    initiative = _define(analyst, keywords=["hợp tác kinh tế"])
    tracker = initiative_tracker(
        actor=actor_of(analyst), initiative_id=initiative.pk, bucket="day", today=TODAY, stories_from=date(2026, 11, 10)
    )
    assert len(tracker.buckets) == 90
    assert tracker.buckets[-1].start == TODAY
    by_day = {b.start: b.reading.n for b in tracker.buckets if b.reading.n}
    assert by_day == {date(2026, 11, 10): 1, date(2026, 11, 24): 2}  # the English story holds no Vietnamese term
    assert [item.external_id for item in tracker.stories] == ["vi3"]
    with pytest.raises(InvalidInput):
        initiative_tracker(actor=actor_of(analyst), initiative_id=initiative.pk, bucket="hour")


def test_tracker_filters_by_language_and_country(stored: dict[str, Item], analyst: User) -> None:
    english = _define(analyst, keywords=["hợp tác kinh tế", "economic cooperation"], languages=["en"])
    assert initiative_tracker(actor=actor_of(analyst), initiative_id=english.pk, today=TODAY).overall.n == 1
    countries = set(stored["en1"].mentions.values_list("country", flat=True))
    assert "JPN" in countries
    japan = _define(analyst, keywords=["economic cooperation", "Tigray"], countries=["JPN"])
    tracker = initiative_tracker(actor=actor_of(analyst), initiative_id=japan.pk, today=TODAY)
    assert tracker.overall.n == 1  # the Tigray story does not mention Japan
    assert [r.key for r in tracker.by_country] == ["JPN"]


def test_tracker_of_an_initiative_without_stories(analyst: User) -> None:
    initiative = _define(analyst)
    tracker = initiative_tracker(actor=actor_of(analyst), initiative_id=initiative.pk, today=TODAY)
    assert tracker.overall.n == 0
    assert tracker.overall.mean.value is None
    assert tracker.cutoff is None
    assert tracker.models == []


# --- pages -------------------------------------------------------------------------------------------------------


def test_pages_define_and_show_a_tracker(stored: dict[str, Item], analyst: User, desk_officer: User) -> None:
    client = _client(analyst)
    assert "Define an initiative" in client.get("/intelligence/initiatives/").content.decode()
    bad = client.post("/intelligence/initiatives/new/", {"name_en": "X", "name_vi": "Y", "keywords": ""})
    assert bad.status_code == 400
    assert "at least one keyword" in bad.content.decode()
    bad = client.post(
        "/intelligence/initiatives/new/", {"name_en": "X", "name_vi": "Y", "keywords": "a", "countries": "ZZZ"}
    )
    assert bad.status_code == 400
    assert "ZZZ" in bad.content.decode()
    response = client.post(
        "/intelligence/initiatives/new/",
        {"name_en": "Japan ties", "name_vi": "Quan hệ Nhật Bản", "keywords": "hop tac kinh te, economic cooperation"},
    )
    initiative = Initiative.objects.get(name_en="Japan ties")
    assert response.status_code == 302
    assert response["Location"] == f"/intelligence/initiatives/{initiative.pk}/"
    page = _client(desk_officer).get(f"/intelligence/initiatives/{initiative.pk}/?bucket=day").content.decode()
    assert "<svg" in page
    assert "<script" not in page
    assert "AI output" in page
    assert "Sentiment model:" in page
    assert "Small sample: do not read a trend" in page
    assert "Hợp tác Việt - Nhật" in page  # a story behind the figures
    assert f"/intelligence/initiatives/{initiative.pk}/edit/" not in page  # readers do not edit
    assert _client(desk_officer).get("/intelligence/initiatives/new/").status_code == 403
    edit = client.post(
        f"/intelligence/initiatives/{initiative.pk}/edit/",
        {"name_en": "Japan ties", "name_vi": "Quan hệ Nhật Bản", "keywords": "Biển Đông", "languages": "fr"},
    )
    assert edit.status_code == 400
    assert "fr" in edit.content.decode()


def test_pages_refuse_partners(analyst: User, partner_user: User) -> None:
    initiative = _define(analyst)
    client = _client(partner_user)
    assert client.get("/intelligence/initiatives/").status_code == 403
    assert client.get(f"/intelligence/initiatives/{initiative.pk}/").status_code == 403
    assert _client(analyst).get("/intelligence/initiatives/99999/").status_code == 404


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_define_list_and_track(stored: dict[str, Item], analyst: User, desk_officer: User) -> None:
    client = _client(analyst)
    payload = {"name_en": "Japan ties", "name_vi": "Quan hệ Nhật Bản", "keywords": ["economic cooperation"]}
    created = client.post(API, payload, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = client.post(API, {**payload, "keywords": []}, content_type="application/json")
    assert refused.status_code == 422
    assert "keywords" in refused.json()["errors"]
    reader = _client(desk_officer)
    assert [row["id"] for row in reader.get(API).json()] == [pk]
    assert reader.post(API, payload, content_type="application/json").status_code == 403
    tracker = reader.get(f"{API}/{pk}/tracker").json()
    assert tracker["ai_output"] is True
    assert tracker["overall"]["n"] == len(tracker["story_ids"])
    assert tracker["overall"]["negative"]["n"] == tracker["overall"]["n"]
    assert len(tracker["buckets"]) == 26
    assert tracker["models"]
    assert reader.get(f"{API}/{pk}/tracker?bucket=hour").status_code == 422
    changed = client.put(f"{API}/{pk}", {**payload, "languages": ["vi"]}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["languages"] == ["vi"]


def test_api_refuses_partners(analyst: User, partner_user: User) -> None:
    initiative = _define(analyst)
    client = _client(partner_user)
    listed = client.get(API)
    assert (listed.status_code, listed.json()) == (200, [])
    assert client.get(f"{API}/{initiative.pk}/tracker").status_code == 404
    assert client.get(f"{API}/{initiative.pk}").status_code == 404
    payload = {"name_en": "a", "name_vi": "b", "keywords": ["c"]}
    assert client.post(API, payload, content_type="application/json").status_code == 403


def test_demo_initiatives_are_defined_once() -> None:
    from chancery.intelligence.demo import INITIATIVES, initiatives_seed
    from chancery.platform.actor import Actor

    initiatives_seed(actor=Actor.system(purpose="demo-seed"))
    initiatives_seed(actor=Actor.system(purpose="demo-seed"))
    assert Initiative.objects.count() == len(INITIATIVES)
