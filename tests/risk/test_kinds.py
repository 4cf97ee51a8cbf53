"""Crisis, trade and sentiment drafts go through the same draft -> review -> leadership path as conflict."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from chancery.identity.models import User
from chancery.intelligence.initiatives import initiative_create
from chancery.intelligence.models import Enrichment
from chancery.intelligence.services import items_ingest
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.risk import selectors
from chancery.risk.models import AIEvent, Assessment, Kind, ModelRun, Status
from chancery.risk.services import assessment_review, forecast_run, sentiment_draft, sentiment_draft_all
from tests.conftest import actor_of
from tests.intelligence.conftest import EN_TEXT, VI_TEXT, raw
from tests.risk.conftest import fake_crisis_output, fake_trade_output, session

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


@pytest.fixture
def crisis_run() -> ModelRun:
    return forecast_run(actor=Actor.system(purpose="test"), output=fake_crisis_output())


@pytest.fixture
def trade_run() -> ModelRun:
    return forecast_run(actor=Actor.system(purpose="test"), output=fake_trade_output())


@pytest.fixture
def initiative_with_items(analyst: User) -> int:
    """An initiative with four enriched stories of known tone (mean -0.05 over 4 items)."""
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("vi1", VI_TEXT, title="Hợp tác Việt - Nhật", published=at, lang="vi"),
            raw("vi2", VI_TEXT + " Lần hai.", title="Hợp tác kinh tế lần hai", published=at, lang="vi"),
            raw("vi3", VI_TEXT + " Lần ba.", title="Hợp tác kinh tế lần ba", published=at, lang="vi"),
            raw("en1", EN_TEXT, title="Japan, Viet Nam sign deal", published=at, lang="en"),
        ],
    )
    tones = {"vi1": ("negative", -0.6), "vi2": ("positive", 0.4), "vi3": ("neutral", 0.0), "en1": ("neutral", 0.0)}
    for external_id, (tone, score) in tones.items():
        Enrichment.objects.filter(item__external_id=external_id).update(sentiment=tone, sentiment_score=score)
    initiative = initiative_create(
        actor=actor_of(analyst),
        name_en="Economic cooperation with Japan",
        name_vi="Hợp tác kinh tế với Nhật Bản",
        keywords=["hợp tác kinh tế", "Japan"],
    )
    return initiative.pk


# --- drafts never reach the leadership view unreviewed ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["crisis", "trade"])
def test_crisis_and_trade_drafts_reach_leadership_only_after_review(
    kind: str, analyst: User, crisis_run: ModelRun, trade_run: ModelRun
) -> None:
    actor = actor_of(analyst)
    assert not selectors.reviewed_list(actor=actor, kind=kind).exists()
    view = selectors.leadership_view(actor=actor)
    assert getattr(view, kind) == []
    client = session(analyst)
    api = client.get(f"/api/v1/risk/assessments?kind={kind}").json()
    assert api["items"] == [] if isinstance(api, dict) else api == []
    draft = Assessment.objects.filter(kind=kind, status=Status.DRAFT).order_by("pk").first()
    assert draft is not None
    assessment_review(actor=actor, assessment_id=draft.pk, decision="accept")
    reviewed = list(selectors.reviewed_list(actor=actor, kind=kind))
    assert [a.pk for a in reviewed] == [draft.pk]
    page = client.get("/risk/").content.decode()
    assert draft.title in page
    others = Assessment.objects.filter(kind=kind, status=Status.DRAFT).exclude(pk=draft.pk)
    for other in others:
        assert f">{other.title}<" not in page


def test_sentiment_readings_land_as_drafts_and_reach_leadership_only_after_review(
    analyst: User, initiative_with_items: int
) -> None:
    actor = actor_of(analyst)
    with mock.patch("chancery.intelligence.initiatives_selectors.timezone.now") as now:
        now.return_value = datetime(2026, 11, 25, 12, tzinfo=UTC)
        reading = sentiment_draft(actor=actor, initiative_id=initiative_with_items)
    assert reading.status == Status.DRAFT
    assert reading.kind == Kind.SENTIMENT
    assert reading.sample_size == 4
    assert reading.value == pytest.approx(-0.05)
    assert reading.value_low is not None
    assert reading.value_low < -0.05 < (reading.value_high or 0)
    assert reading.interval_level == 0.95
    assert reading.detail["negative"]["k"] == 1
    assert reading.detail["small_sample"] is True
    assert reading.data_cutoff == "2026-11-24"
    run_event = AIEvent.objects.get(kind=AIEvent.Kind.RUN, assessment=reading)
    assert run_event.model_name == "initiative-sentiment"
    assert not selectors.reviewed_list(actor=actor, kind=Kind.SENTIMENT).exists()
    client = session(analyst)
    assert "Economic cooperation with Japan" not in client.get("/risk/").content.decode()
    assessment_review(actor=actor, assessment_id=reading.pk, decision="adjust", rationale="Sarcasm", adjusted_value=0.1)
    reviewed = selectors.reviewed_list(actor=actor, kind=Kind.SENTIMENT).get()
    assert reviewed.effective_value == 0.1
    assert AIEvent.objects.filter(kind=AIEvent.Kind.REVIEW, assessment=reading).exists()
    assert "Economic cooperation with Japan" in client.get("/risk/").content.decode()


def test_a_new_sentiment_draft_supersedes_the_old_draft(analyst: User, initiative_with_items: int) -> None:
    actor = actor_of(analyst)
    first = sentiment_draft(actor=actor, initiative_id=initiative_with_items, today=TODAY)
    second = sentiment_draft(actor=actor, initiative_id=initiative_with_items, today=TODAY)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.DRAFT


def test_a_sentiment_draft_without_items_is_refused_plainly(analyst: User) -> None:
    initiative = initiative_create(
        actor=actor_of(analyst), name_en="Quiet", name_vi="Yên ắng", keywords=["không ai nhắc tới"]
    )
    with pytest.raises(InvalidInput) as refused:
        sentiment_draft(actor=actor_of(analyst), initiative_id=initiative.pk, today=TODAY)
    assert "initiative" in refused.value.errors
    assert not Assessment.objects.exists()
    assert sentiment_draft_all(actor=Actor.system(purpose="test"), today=TODAY) == []


def test_sentiment_drafts_refuse_other_roles_and_missing_initiatives(
    initiative_with_items: int, partner_user: User, desk_officer: User
) -> None:
    with pytest.raises(PermissionDenied):
        sentiment_draft(actor=actor_of(desk_officer), initiative_id=initiative_with_items, today=TODAY)
    with pytest.raises(PermissionDenied):
        sentiment_draft(actor=actor_of(partner_user), initiative_id=initiative_with_items, today=TODAY)
    with pytest.raises(NotFound):
        sentiment_draft(actor=Actor.system(purpose="test"), initiative_id=999_999, today=TODAY)


def test_the_tracker_page_sends_its_reading_for_review(analyst: User, initiative_with_items: int) -> None:
    client = session(analyst)
    page = client.get(f"/intelligence/initiatives/{initiative_with_items}/").content.decode()
    assert "Send this reading for review" in page
    response = client.post(f"/risk/initiatives/{initiative_with_items}/draft/")
    assert response.status_code == 302
    reading = Assessment.objects.get(kind=Kind.SENTIMENT)
    assert response["Location"] == f"/risk/assessments/{reading.pk}/"
    review = client.get(response["Location"]).content.decode()
    assert "AI output" in review
    assert "initiative-sentiment" in review
    assert "95 % interval of the mean tone" in review
    api = client.post(f"/api/v1/risk/initiatives/{initiative_with_items}/draft")
    assert api.status_code == 200
    assert api.json()["kind"] == "sentiment"
    assert api.json()["status"] == "draft"


# --- reviews of each kind ----------------------------------------------------------------------------------------


def test_adjusting_checks_the_figure_of_each_kind(analyst: User, crisis_run: ModelRun, trade_run: ModelRun) -> None:
    actor = actor_of(analyst)
    crisis = crisis_run.assessments.get(country_iso3="ZAF")
    trade = trade_run.assessments.get(subject="Japan")
    with pytest.raises(InvalidInput) as bad:
        assessment_review(
            actor=actor, assessment_id=crisis.pk, decision="adjust", rationale="x", adjusted_probability=2
        )
    assert "adjusted_probability" in bad.value.errors
    with pytest.raises(InvalidInput) as bad:
        assessment_review(actor=actor, assessment_id=trade.pk, decision="adjust", rationale="x", adjusted_value=-5)
    assert "adjusted_value" in bad.value.errors
    with pytest.raises(InvalidInput):
        assessment_review(actor=actor, assessment_id=trade.pk, decision="adjust", rationale="x")
    assert Assessment.objects.get(pk=trade.pk).status == Status.DRAFT
    done = assessment_review(
        actor=actor, assessment_id=trade.pk, decision="adjust", rationale="Port strike", adjusted_value=18000
    )
    assert done.adjusted_value == 18000
    assert done.adjusted_probability is None
    assert done.headline == 18000


def test_review_pages_label_every_kind_as_ai_output(
    analyst: User, crisis_run: ModelRun, trade_run: ModelRun, english_pages: None
) -> None:
    client = session(analyst)
    queue = client.get("/risk/queue/").content.decode()
    assert "Currency-crash risk" in queue
    assert "Export forecast" in queue
    crisis = crisis_run.assessments.get(country_iso3="ZAF")
    page = client.get(f"/risk/assessments/{crisis.pk}/").content.decode()
    assert "currency-crash-logit" in page
    assert "data to 2020" in page
    assert "80 % interval of the probability 0.350\u20130.450" in page
    assert "Indicator: this year&#x27;s depreciation = +31.0 %." in page
    trade = trade_run.assessments.get(subject="Japan")
    page = client.get(f"/risk/assessments/{trade.pk}/").content.decode()
    assert "80 % interval US$ 14000.0\u201328000.0 million" in page
    response = client.post(
        f"/risk/assessments/{trade.pk}/", {"decision": "adjust", "rationale": "x", "adjusted_value": "-1"}
    )
    assert response.status_code == 200
    assert "Enter an amount above 0." in response.content.decode()
    only_crisis = client.get("/risk/queue/?kind=crisis").content.decode()
    assert "South Africa" in only_crisis
    assert "<td>Export forecast</td>" not in only_crisis
    assert client.get("/risk/queue/?kind=nonsense").status_code == 404


# --- alerts ------------------------------------------------------------------------------------------------------


def test_a_marked_change_of_a_reviewed_forecast_raises_an_alert(analyst: User, english_pages: None) -> None:
    actor = actor_of(analyst)
    system = Actor.system(purpose="test")
    first = forecast_run(actor=system, output=fake_trade_output({"Japan": 20000.0}))
    assessment_review(actor=actor, assessment_id=first.assessments.get().pk, decision="accept")
    steady = forecast_run(actor=system, output=fake_trade_output({"Japan": 21000.0}))
    with mock.patch("chancery.risk.services.events_publish") as published:
        assessment_review(actor=actor, assessment_id=steady.assessments.get().pk, decision="accept")
    published.assert_not_called()
    assert not AIEvent.objects.filter(kind=AIEvent.Kind.ALERT).exists()
    fall = forecast_run(actor=system, output=fake_trade_output({"Japan": 15000.0}))
    with (
        mock.patch("chancery.risk.services.events_publish") as published,
        mock.patch("chancery.risk.services.transaction.on_commit", side_effect=lambda f: f()),
    ):
        assessment_review(actor=actor, assessment_id=fall.assessments.get().pk, decision="accept")
    assert published.call_args.kwargs["kind"] == "risk.changed"
    alert = AIEvent.objects.get(kind=AIEvent.Kind.ALERT)
    assert alert.detail["before"] == 21000.0
    assert alert.detail["after"] == 15000.0
    assert alert.detail["output"] == "trade"
    page = session(analyst).get("/risk/alerts/").content.decode()
    assert "Japan" in page
    assert "15000.0" in page
    assert list(selectors.alert_list(actor=actor)) == [alert]


def test_a_crisis_probability_moving_bands_raises_an_alert(analyst: User) -> None:
    actor = actor_of(analyst)
    system = Actor.system(purpose="test")
    first = forecast_run(actor=system, output=fake_crisis_output({"ZAF": 0.04}))
    assessment_review(actor=actor, assessment_id=first.assessments.get().pk, decision="accept")
    second = forecast_run(actor=system, output=fake_crisis_output({"ZAF": 0.3}))
    assessment_review(actor=actor, assessment_id=second.assessments.get().pk, decision="accept")
    alert = AIEvent.objects.get(kind=AIEvent.Kind.ALERT)
    assert alert.detail["output"] == "crisis"
    assert alert.detail["country"] == "ZAF"


def test_alerts_refuse_partners(partner_user: User) -> None:
    with pytest.raises(PermissionDenied):
        selectors.alert_list(actor=actor_of(partner_user))
    assert session(partner_user).get("/risk/alerts/").status_code == 403


def test_unknown_kinds_are_refused_plainly(analyst: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        selectors.reviewed_list(actor=actor_of(analyst), kind="weather")
    assert "kind" in refused.value.errors
    response = session(analyst).get("/api/v1/risk/assessments?kind=weather")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    with pytest.raises(InvalidInput):
        forecast_run(actor=Actor.system(purpose="test"), kind="weather")
