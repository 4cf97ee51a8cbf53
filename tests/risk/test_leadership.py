"""Nothing reaches the leadership view without a review: pages and API."""

from __future__ import annotations

import pytest

from chancery.identity.models import User
from chancery.risk.models import ModelRun
from chancery.risk.services import assessment_review
from tests.conftest import actor_of
from tests.risk.conftest import session

pytestmark = pytest.mark.django_db


def test_unreviewed_drafts_never_reach_the_world_page_or_the_api(run: ModelRun, desk_officer: User) -> None:
    client = session(desk_officer)
    page = client.get("/risk/").content.decode()
    assert "Syria" not in page
    assert "SYR" not in page
    api = client.get("/api/v1/risk/assessments").json()
    assert api["count"] == 0
    assert client.get("/risk/countries/SYR/").status_code == 200
    assert "0.900" not in client.get("/risk/countries/SYR/").content.decode()
    assert client.get("/api/v1/risk/countries/SYR").status_code == 404


def test_a_rejected_draft_never_reaches_leadership(run: ModelRun, analyst: User, desk_officer: User) -> None:
    target = run.assessments.get(country_iso3="SYR")
    assessment_review(actor=actor_of(analyst), assessment_id=target.pk, decision="reject", rationale="stale data")
    client = session(desk_officer)
    assert "SYR" not in client.get("/risk/").content.decode()
    assert client.get("/api/v1/risk/assessments").json()["count"] == 0


def test_reviewed_assessments_show_with_their_ai_label(run: ModelRun, analyst: User, desk_officer: User) -> None:
    target = run.assessments.get(country_iso3="SYR")
    assessment_review(actor=actor_of(analyst), assessment_id=target.pk, decision="accept")
    client = session(desk_officer)
    page = client.get("/risk/").content.decode()
    assert "<title>Syria (SYR): 0.90</title>" in page
    assert "conflict-quantile-gbm v1" in page
    assert "2020-12" in page
    body = client.get("/api/v1/risk/assessments").json()
    item = body["items"][0]
    assert item["country_iso3"] == "SYR"
    assert item["ai_output"] is True
    assert (item["model_name"], item["model_version"], item["data_cutoff"]) == ("conflict-quantile-gbm", "1", "2020-12")
    assert item["fatalities_high"] == pytest.approx(360.0)
    country = client.get("/risk/countries/SYR/").content.decode()
    assert "Does this model beat its baselines? no (level with conflictology" in country
    assert "AI output" in country
    assert "Deaths over the last 12 months raises the risk." in country
    assert client.get("/api/v1/risk/countries/syr").json()["status"] == "accepted"


def test_the_review_form_records_a_decision(run: ModelRun, analyst: User) -> None:
    client = session(analyst)
    target = run.assessments.get(country_iso3="MLI")
    queue = client.get("/risk/queue/").content.decode()
    assert "Mali" in queue
    response = client.post(f"/risk/assessments/{target.pk}/", {"decision": "adjust", "rationale": ""})
    assert response.status_code == 200
    assert "A rationale is required" in response.content.decode() or "Give a rationale" in response.content.decode()
    response = client.post(
        f"/risk/assessments/{target.pk}/", {"decision": "adjust", "rationale": "talks", "adjusted_probability": "0.2"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "adjusted"
    assert target.adjusted_probability == 0.2


def test_the_api_review_and_drafts(run: ModelRun, analyst: User) -> None:
    client = session(analyst)
    drafts = client.get("/api/v1/risk/drafts").json()
    assert drafts["count"] == 3
    target = drafts["items"][0]["id"]
    bad = client.post(
        f"/api/v1/risk/assessments/{target}/review", {"decision": "adjust"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    ok = client.post(
        f"/api/v1/risk/assessments/{target}/review", {"decision": "accept"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "accepted"
    events = client.get("/api/v1/risk/events").json()
    assert [e["kind"] for e in events["items"]] == ["review", "run"]


def test_the_register_exports_csv(run: ModelRun, desk_officer: User) -> None:
    client = session(desk_officer)
    response = client.get("/risk/register.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("model,purpose,owner,risk_tier,impact_assessment")
    assert any(line.startswith("conflict-quantile-gbm,") for line in lines)
    assert len(client.get("/api/v1/risk/use-cases").json()) == 4


def test_the_country_page_shows_trade_exposure_and_history(analyst: User, desk_officer: User) -> None:
    from chancery.platform.actor import Actor
    from chancery.risk.services import forecast_run
    from tests.risk.conftest import fake_output

    run = forecast_run(actor=Actor.system(purpose="test"), output=fake_output({"JPN": 0.02}))
    assessment_review(actor=actor_of(analyst), assessment_id=run.assessments.get().pk, decision="accept")
    page = session(desk_officer).get("/risk/countries/JPN/").content.decode()
    assert "Viet Nam&#x27;s exports in 2017" in page or "Viet Nam's exports in 2017" in page
    assert "AJCEP" in page
    assert "2020-12" in page


def test_the_pages_render_in_vietnamese(run: ModelRun, analyst: User) -> None:
    from django.test import Client

    assessment_review(
        actor=actor_of(analyst), assessment_id=run.assessments.get(country_iso3="SYR").pk, decision="accept"
    )
    from tests.conftest import enable_totp

    if analyst.mfa_required:
        enable_totp(analyst)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(analyst)
    for path in ("/risk/", "/risk/countries/SYR/", "/risk/queue/", "/risk/events/", "/risk/register/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="vi"' in response.content.decode()
    assert "Số người chết trong 12 tháng qua làm tăng rủi ro." in client.get("/risk/countries/SYR/").content.decode()


def test_administrators_rewrite_a_register_entry_through_the_api(
    run: ModelRun, administrator: User, analyst: User
) -> None:
    entry = {
        "purpose": "Early warning of armed conflict for the desks",
        "owner": "Policy Planning Department",
        "risk_tier": "high",
        "impact_assessment": "Reviewed by an analyst before any leadership use.",
    }
    path = "/api/v1/risk/use-cases/conflict-quantile-gbm"
    assert session(analyst).put(path, entry, content_type="application/json").status_code == 403
    admin = session(administrator)
    updated = admin.put(path, entry, content_type="application/json")
    assert updated.status_code == 200
    assert (updated.json()["owner"], updated.json()["risk_tier"]) == ("Policy Planning Department", "high")
    listed = {row["model_name"]: row for row in admin.get("/api/v1/risk/use-cases").json()}
    assert listed["conflict-quantile-gbm"]["purpose"] == entry["purpose"]


@pytest.mark.parametrize(
    ("path", "change", "status"),
    [
        ("/api/v1/risk/use-cases/conflict-quantile-gbm", {"risk_tier": "extreme"}, 422),
        ("/api/v1/risk/use-cases/conflict-quantile-gbm", {"owner": "   "}, 422),
        ("/api/v1/risk/use-cases/no-such-model", {}, 404),
    ],
)
def test_a_bad_register_update_is_refused_and_changes_nothing(
    run: ModelRun, administrator: User, path: str, change: dict[str, str], status: int
) -> None:
    client = session(administrator)
    before = client.get("/api/v1/risk/use-cases").json()
    entry = {"purpose": "p", "owner": "o", "risk_tier": "low", "impact_assessment": "i", **change}
    response = client.put(path, entry, content_type="application/json")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/v1/risk/use-cases").json() == before
