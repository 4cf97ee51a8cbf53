"""Three users per rule: the allowed one, another role or unit, and an external partner."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.identity.models import User
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.risk.models import ModelRun, UseCase
from tests.conftest import actor_of
from tests.risk.conftest import session

pytestmark = pytest.mark.django_db


def test_view_internal_users_but_not_partners(
    desk_officer: User, other_mission_officer: User, partner_user: User
) -> None:
    assert access.can(actor_of(desk_officer), "risk.view")
    assert access.can(actor_of(other_mission_officer), "risk.view")
    assert not access.can(actor_of(partner_user), "risk.view")


def test_review_analysts_only(analyst: User, desk_officer: User, partner_user: User) -> None:
    assert access.can(actor_of(analyst), "risk.review")
    assert not access.can(actor_of(desk_officer), "risk.review")
    assert not access.can(actor_of(partner_user), "risk.review")


def test_run_administrators_and_system(administrator: User, analyst: User, partner_user: User) -> None:
    assert access.can(actor_of(administrator), "risk.run")
    assert access.can(Actor.system(purpose="schedule"), "risk.run")
    assert not access.can(actor_of(analyst), "risk.run")
    assert not access.can(actor_of(partner_user), "risk.run")


def test_register_administrators(administrator: User, analyst: User, partner_user: User) -> None:
    assert access.can(actor_of(administrator), "risk.register")
    assert not access.can(actor_of(analyst), "risk.register")
    assert not access.can(actor_of(partner_user), "risk.register")


def test_pages_and_api_refuse_the_wrong_users(run: ModelRun, desk_officer: User, partner_user: User) -> None:
    partner = session(partner_user)
    assert partner.get("/risk/").status_code == 403
    assert partner.get("/api/v1/risk/assessments").status_code == 403
    desk = session(desk_officer)
    assert desk.get("/risk/").status_code == 200
    assert desk.get("/risk/queue/").status_code == 403
    target = run.assessments.first()
    assert target is not None
    assert desk.post(f"/risk/assessments/{target.pk}/", {"decision": "accept"}).status_code == 403
    review = desk.post(
        f"/api/v1/risk/assessments/{target.pk}/review", {"decision": "accept"}, content_type="application/json"
    )
    assert review.status_code == 403
    assert desk.get("/api/v1/risk/drafts").status_code == 403
    assert desk.get("/risk/scenario/").status_code == 403
    assert desk.post("/risk/run/").status_code == 403
    target.refresh_from_db()
    assert target.status == "draft"


@pytest.mark.parametrize(
    "path",
    [
        "/risk/",
        "/risk/countries/SYR/",
        "/risk/queue/",
        "/risk/scenario/",
        "/risk/events/",
        "/risk/register.csv",
        "/risk/alerts/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "path", ["/api/v1/risk/assessments", "/api/v1/risk/drafts", "/api/v1/risk/events", "/api/v1/risk/alerts"]
)
def test_anonymous_api_calls_are_401(client: Client, path: str) -> None:
    assert client.get(path).status_code == 401


def test_only_administrators_edit_the_register(run: ModelRun, administrator: User, analyst: User) -> None:
    form = {"purpose": "p", "owner": "Policy Planning", "risk_tier": "high", "impact_assessment": "reviewed"}
    path = "/risk/register/conflict-quantile-gbm/"
    assert session(analyst).post(path, form).status_code == 403
    admin = session(administrator)
    assert admin.post(path, {**form, "owner": " "}).status_code == 200
    assert admin.post(path, form).status_code == 302
    entry = UseCase.objects.get(model_name="conflict-quantile-gbm")
    assert entry.owner == "Policy Planning"
    assert entry.risk_tier == "high"
    assert admin.get("/risk/register/no-such-model/").status_code == 404
