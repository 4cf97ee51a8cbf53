"""The country page's evidence (indicators, stories by access, agreements, exposure) and "under agreement Z"."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest

from chancery.agreements import services as agreement_services
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.intelligence.services import items_ingest
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput
from chancery.risk import selectors
from chancery.risk.models import ModelRun
from chancery.risk.services import assessment_review, forecast_run
from tests.conftest import actor_of
from tests.factories import UserFactory
from tests.intelligence.conftest import CONFLICT_TEXT, raw
from tests.risk.conftest import fake_crisis_output, fake_output, session

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="test")


def _trade_agreement(short_name: str, parties: tuple[str, ...], in_force: dt.date | None, areas: list[str]) -> int:
    agreement = agreement_services.agreement_create(
        actor=SYSTEM,
        short_name=short_name,
        title_en=f"{short_name} free trade agreement",
        kind="agreement",
        scope="bilateral",
        subject_areas=areas,
    )
    party_ids = {
        code: agreement_services.party_add(actor=SYSTEM, agreement_id=agreement.pk, country_code=code).pk
        for code in parties
    }
    if in_force is not None:
        agreement_services.event_record(
            actor=SYSTEM,
            agreement_id=agreement.pk,
            kind="entry_into_force",
            on=in_force,
            source="test",
            party_id=party_ids["VN"],
        )
    return int(agreement.pk)


@pytest.fixture
def reviewed_japan(analyst: User) -> ModelRun:
    output = fake_output({"JPN": 0.02})
    output.forecasts[0].drivers = [
        {
            "feature": "log_mean12",
            "contribution": -0.9,
            "text_en": "Deaths over the last 12 months lowers the risk.",
            "text_vi": "Số người chết trong 12 tháng qua làm giảm rủi ro.",
            "value": 0.0,
            "evidence_en": "Indicator: deaths over the last 12 months = 0.",
            "evidence_vi": "Chỉ số: số người chết trong 12 tháng qua = 0.",
        }
    ]
    run = forecast_run(actor=SYSTEM, output=output)
    assessment_review(actor=actor_of(analyst), assessment_id=run.assessments.get().pk, decision="accept")
    crisis = forecast_run(actor=SYSTEM, output=fake_crisis_output({"JPN": 0.02}))
    assessment_review(actor=actor_of(analyst), assessment_id=crisis.assessments.get().pk, decision="accept")
    return run


def test_the_country_page_shows_the_indicators_behind_each_driver_in_both_languages(
    reviewed_japan: ModelRun, analyst: User, english_pages: None
) -> None:
    client = session(analyst)
    page = client.get("/risk/countries/JPN/").content.decode()
    assert "Deaths over the last 12 months lowers the risk." in page
    assert "Indicator: deaths over the last 12 months = 0." in page
    assert "Currency-crash risk" in page
    assert "Indicator: this year&#x27;s depreciation = +31.0 %." in page
    assert "Viet Nam's exports in 2017" in page
    vietnamese = client.get("/risk/countries/JPN/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chỉ số: số người chết trong 12 tháng qua = 0." in vietnamese


def test_related_stories_respect_the_viewers_access(
    reviewed_japan: ModelRun, analyst: User, ministry: Organisation, english_pages: None
) -> None:
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw(
                "jp1",
                CONFLICT_TEXT + " Japan and Viet Nam discussed the situation in Tokyo.",
                title="Tokyo talks on regional security",
                published=datetime(2026, 11, 20, 9, tzinfo=UTC),
                lang="en",
            )
        ],
    )
    risk = selectors.country_risk(actor=actor_of(analyst), code="JPN")
    assert [item.title for item in risk.stories] == ["Tokyo talks on regional security"]
    assert "Tokyo talks on regional security" in session(analyst).get("/risk/countries/JPN/").content.decode()
    uncleared = UserFactory(
        username="clerk", role=Role.DESK_OFFICER, organisation=ministry, clearance=Classification.UNCLASSIFIED
    )
    assert selectors.country_risk(actor=actor_of(uncleared), code="JPN").stories == []
    page = session(uncleared).get("/risk/countries/JPN/").content.decode()
    assert "Tokyo talks on regional security" not in page
    assert "No stories you can read about this country." in page


def test_the_country_page_lists_agreements_with_that_country(
    reviewed_japan: ModelRun, analyst: User, english_pages: None
) -> None:
    _trade_agreement("VJEPA", ("VN", "JP"), dt.date(2009, 10, 1), ["trade"])
    page = session(analyst).get("/risk/countries/JPN/").content.decode()
    assert "VJEPA" in page


# --- the scenario's "under agreement Z" --------------------------------------------------------------------------


def test_agreements_in_force_from_the_register_are_offered_and_applied(analyst: User, english_pages: None) -> None:
    korea = _trade_agreement("VKFTA", ("VN", "KR"), dt.date(2015, 12, 20), ["trade"])
    later = _trade_agreement("UKVFTA", ("VN", "GB"), dt.date(2021, 5, 1), ["trade"])
    _trade_agreement("Culture", ("VN", "GB"), dt.date(2010, 1, 1), ["culture"])
    options = dict(selectors.scenario_agreement_options(actor=actor_of(analyst)))
    assert f"agreement:{korea}" in options
    assert f"agreement:{later}" in options
    assert not any("Culture" in label for label in options.values())
    assert "type:rta_entry" in options
    client = session(analyst)
    page = client.get(
        "/risk/scenario/",
        {
            "partner": "United Kingdom",
            "currency": "0",
            "commodity": "PCOFFROB",
            "commodity_change": "0",
            "agreement": f"agreement:{later}",
        },
    ).content.decode()
    assert "UKVFTA entered into force for Viet Nam in 2021, after the data" in page
    assert "trade-agreement effect +13 %" in page
    body = client.post(
        "/api/v1/risk/scenarios",
        {"partner": "United Kingdom", "agreement": f"agreement:{later}"},
        content_type="application/json",
    ).json()
    assert body["effects"]["agreement"] == pytest.approx(0.122113)
    assert body["low"] < body["base"] < body["scenario"] < body["high"]
    in_base = client.post(
        "/api/v1/risk/scenarios",
        {"partner": "Korea, Rep. of", "agreement": f"agreement:{korea}"},
        content_type="application/json",
    ).json()
    assert "agreement" not in in_base["effects"]
    assert any("already in the base" in note for note in in_base["notes"])


def test_agreement_types_and_the_full_phase_in_warning(analyst: User) -> None:
    client = session(analyst)
    entry = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "agreement": "type:rta_entry"}, content_type="application/json"
    ).json()
    assert entry["outside_data"] is False
    full = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "agreement": "type:rta_full"}, content_type="application/json"
    ).json()
    assert full["effects"]["agreement"] == pytest.approx(0.482508)
    assert full["outside_data"] is True
    assert any("outside what the data supports" in w and "twelve years" in w for w in full["warnings"])


def test_bad_agreement_choices_are_clear_errors(analyst: User, english_pages: None) -> None:
    culture = _trade_agreement("Culture", ("VN", "GB"), dt.date(2010, 1, 1), ["culture"])
    korea = _trade_agreement("VKFTA", ("VN", "KR"), dt.date(2015, 12, 20), ["trade"])
    actor = actor_of(analyst)
    for key in ("agreement:999999", "nonsense", "agreement:abc"):
        with pytest.raises(InvalidInput) as refused:
            selectors.scenario_agreement_choice(actor=actor, key=key, partner="Japan")
        assert "agreement" in refused.value.errors
    with pytest.raises(InvalidInput, match="not a trade agreement"):
        selectors.scenario_agreement_choice(actor=actor, key=f"agreement:{culture}", partner="United Kingdom")
    client = session(analyst)
    response = client.post(
        "/api/v1/risk/scenarios",
        {"partner": "Japan", "agreement": f"agreement:{korea}"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Japan is not a party to VKFTA" in response.json()["detail"]
    assert "agreement" in response.json()["errors"]
    page = client.get(
        "/risk/scenario/",
        {"partner": "Japan", "currency": "0", "commodity": "PCOFFROB", "commodity_change": "0", "agreement": "x:1"},
    ).content.decode()
    assert "Select a valid choice" in page
    unknown = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "agreement": "agreement:999999"}, content_type="application/json"
    )
    assert unknown.status_code == 422


def test_scenario_notes_and_warnings_follow_the_page_language(analyst: User) -> None:
    query = {
        "partner": "Japan",
        "currency": "-80",
        "commodity": "PCOFFROB",
        "commodity_change": "0",
        "agreement": "type:rta_full",
    }
    client = session(analyst)
    english = client.get("/risk/scenario/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "outside what the data supports: a -80 % currency move" in english
    assert "trade-agreement effect +62 %" in english
    vietnamese = client.get("/risk/scenario/", query, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "ngoài phạm vi dữ liệu cho phép: biến động tỷ giá -80 %" in vietnamese
    assert "tác động của hiệp định thương mại +62 %" in vietnamese
    assert "trade-agreement effect" not in vietnamese
