"""Watchlist and spike alerts: who is told, why, and that each fires once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from chancery.identity.models import User
from chancery.intelligence import spikes
from chancery.intelligence.alerting import spikes_detect, watchlist_create, watchlist_delete, watchlist_update
from chancery.intelligence.matching import phrase_in, watch_reasons
from chancery.intelligence.models import Alert, Item
from chancery.intelligence.services import items_ingest
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound
from chancery.platform.events.models import Event
from chancery.vault.search import fold
from tests.conftest import actor_of
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="test")


def test_watchlist_validation_names_the_field(analyst: User) -> None:
    with pytest.raises(InvalidInput) as caught:
        watchlist_create(actor=actor_of(analyst), name="x", countries=["VNM", "XXX"])
    assert "countries" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        watchlist_create(actor=actor_of(analyst), name="empty")
    assert "keywords" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        watchlist_create(actor=actor_of(analyst), name="", keywords=["k" * 101])
    assert set(caught.value.errors) == {"name", "keywords"}


def test_only_the_owner_changes_a_watchlist(analyst: User, desk_officer: User) -> None:
    watchlist = watchlist_create(actor=actor_of(analyst), name="Mine", countries=["vnm"])
    assert watchlist.countries == ["VNM"]
    with pytest.raises(NotFound):
        watchlist_update(actor=actor_of(desk_officer), watchlist_id=watchlist.pk, name="Stolen", keywords=["x"])
    with pytest.raises(NotFound):
        watchlist_delete(actor=actor_of(desk_officer), watchlist_id=watchlist.pk)
    watchlist.refresh_from_db()
    assert watchlist.name == "Mine"


def test_new_matching_items_alert_the_owner_in_app_and_by_email(
    analyst: User, desk_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    desk_officer.email = "desk@example.org"
    desk_officer.save()
    watchlist = watchlist_create(
        actor=actor_of(desk_officer), name="East Sea", keywords=["bien dong"], countries=["ETH"], email=True
    )
    other = watchlist_create(actor=actor_of(analyst), name="Nothing", keywords=["zanzibar"])
    with django_capture_on_commit_callbacks(execute=True):
        items_ingest(actor=actor_of(analyst), items=[raw("vi", VI_TEXT), raw("en", EN_TEXT), raw("war", CONFLICT_TEXT)])
    alert = Alert.objects.get(watchlist=watchlist)
    assert alert.owner_id == desk_officer.pk
    assert set(alert.items.values_list("external_id", flat=True)) == {"vi", "war"}
    reasons = alert.figures["reasons"]
    vi_id = str(Item.objects.get(external_id="vi").pk)
    assert reasons[vi_id] == ["keyword:bien dong"]
    assert not Alert.objects.filter(watchlist=other).exists()
    event = Event.objects.get(kind="intelligence.watch_match")
    assert event.user_id == desk_officer.pk
    assert event.payload["count"] == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@example.org"]
    assert "Biển" not in mail.outbox[0].body  # a count and a link, never item text
    assert "/intelligence/alerts/" in mail.outbox[0].body


def test_phrase_matching_is_folded_and_whole_word() -> None:
    text = fold("Tình hình Biển Đông và ASEAN")
    assert phrase_in("biển đông", text)
    assert phrase_in("Bien   Dong", text)
    assert not phrase_in("bien do", text)
    assert not phrase_in("", text)
    reasons = watch_reasons(
        countries=["VNM"], keywords=[], people=[], organisations=["ASEAN"], item_countries={"VNM"}, folded_text=text
    )
    assert reasons == ["country:VNM", "organisation:ASEAN"]


def _stories(day: date, count: int, *, prefix: str, text: str) -> list[Any]:
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    return [
        raw(f"{prefix}-{day}-{n}", f"{text} Report number {n} of {day.isoformat()} ({prefix}).", published=moment)
        for n in range(count)
    ]


def test_volume_spike_fires_once_with_its_figures_and_stories(
    analyst: User, django_capture_on_commit_callbacks: Any
) -> None:
    day = date(2026, 11, 20)
    batch = []
    for back in range(1, 29):
        batch += _stories(day - timedelta(days=back), 0 if back % 2 else 1, prefix="base", text=CONFLICT_TEXT)
    batch += _stories(day, 9, prefix="spike", text=CONFLICT_TEXT)
    items_ingest(actor=actor_of(analyst), items=batch)
    with django_capture_on_commit_callbacks(execute=True):
        alerts = spikes_detect(actor=SYSTEM, days=[day])
    volume = next(a for a in alerts if a.subject == "country:ETH" and a.measure == "volume")
    assert volume.day == day
    assert volume.figures["value"] == 9
    assert volume.figures["mean"] == 0.5
    assert volume.figures["z"] == 8.5  # (9 - 0.5) / max(0.5, floor 1.0)
    assert volume.figures["window_days"] == 28
    assert volume.items.count() == 9
    assert Event.objects.filter(kind="intelligence.spike", user_id=analyst.pk).exists()
    assert spikes_detect(actor=SYSTEM, days=[day]) == []  # once per subject, measure and day
    assert spikes_detect(actor=SYSTEM, days=[day - timedelta(days=3)]) == []  # an ordinary day


def test_no_spike_below_the_minimum_count(analyst: User, settings: Any) -> None:
    settings.INTEL_SPIKE_MIN_COUNT = 10
    day = date(2026, 11, 20)
    batch = _stories(day, 9, prefix="spike", text=CONFLICT_TEXT)
    for back in range(1, 29):
        batch += _stories(day - timedelta(days=back), 0 if back % 7 else 1, prefix="b", text=CONFLICT_TEXT)
    items_ingest(actor=actor_of(analyst), items=batch)
    assert spikes_detect(actor=SYSTEM, days=[day]) == []


def test_no_baseline_before_the_first_stored_item(analyst: User) -> None:
    """The first busy days of a new installation are not spikes against days when nothing was collected."""
    day = date(2026, 11, 20)
    batch = _stories(day, 9, prefix="first", text=CONFLICT_TEXT)
    for back in range(1, 4):
        batch += _stories(day - timedelta(days=back), 1, prefix="b", text=CONFLICT_TEXT)
    items_ingest(actor=actor_of(analyst), items=batch)
    assert spikes_detect(actor=SYSTEM, days=[day]) == []  # 3 baseline days: fewer than 7


@given(
    baseline=st.lists(st.integers(min_value=0, max_value=50), min_size=7, max_size=28),
    value=st.integers(min_value=0, max_value=200),
)
def test_spike_check_properties(baseline: list[int], value: int) -> None:
    spike = spikes.spike_check(value=value, baseline=baseline, count=value, min_count=5, z_threshold=3.0, std_floor=1.0)
    mean, std = spikes.mean_std(baseline)
    if spike is None:
        assert value < 5 or abs(value - mean) < 3.0 * max(std, 1.0)
    else:
        assert spike.count >= 5
        assert abs(spike.z) >= 3.0
        assert (spike.z > 0) == (value > mean)


@given(
    name=st.text(max_size=250),
    countries=st.lists(st.text(max_size=5), max_size=60),
    keywords=st.lists(st.text(max_size=120), max_size=60),
)
def test_watchlist_input_is_accepted_or_refused_by_field(name: str, countries: list[str], keywords: list[str]) -> None:
    """Outside input (forms, API): any value is either cleaned or refused with InvalidInput naming fields."""
    from chancery.intelligence.alerting import watchlist_clean

    refused: InvalidInput | None = None
    try:
        cleaned = watchlist_clean(name=name, countries=countries, keywords=keywords, people=[], organisations=[])
    except InvalidInput as error:
        refused = error
    if refused is not None:
        assert refused.errors
        assert set(refused.errors) <= {"name", "countries", "keywords", "people", "organisations"}
    else:
        assert 0 < len(cleaned["name"]) <= 200
        assert all(len(code) == 3 for code in cleaned["countries"])
        assert len(cleaned["keywords"]) <= 50
