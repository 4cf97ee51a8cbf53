"""The outreach API at /api/v1/outreach: previews, drafting, approval, problem+json on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post
from tests.outreach.factories import TEXT_EN, TEXT_VI, press_officer, user

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/api/v1/outreach"


def _client(who: object) -> Client:
    client = Client()
    client.force_login(who)  # type: ignore[arg-type]
    return client


def test_accounts_workflow_post_and_approval_over_the_api(
    ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author, reviewer, spokes = (
        press_officer(ministry),
        press_officer(ministry, "rev"),
        user("sp", Role.ANALYST, ministry),
    )
    api = _client(author)
    created = api.post(
        f"{BASE}/accounts",
        {
            "platform": "mastodon",
            "base_url": fake_mastodon.base_url,
            "handle": "@mofa",
            "language": "vi",
            "credentials": {"access_token": fake_mastodon.token},
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert "credentials" not in created.json()
    assert created.json()["max_characters"] == 500
    steps = {
        "steps": [
            {"name": "A", "mode": "any", "approver_ids": [reviewer.pk]},
            {"name": "B", "mode": "all", "approver_ids": [spokes.pk]},
        ]
    }
    assert api.put(f"{BASE}/workflow", steps, content_type="application/json").status_code == 200

    previews = api.post(
        f"{BASE}/previews", {"text_vi": "ệ" * 301, "text_en": "x", "account_ids": []}, content_type="application/json"
    )
    bluesky_vi = next(r for r in previews.json() if r["platform"] == "bluesky" and r["language"] == "vi")
    assert bluesky_vi["length"] == 301
    assert not bluesky_vi["ok"]
    assert bluesky_vi["cut"] == "ệ"

    body = {
        "title": "T",
        "text_vi": TEXT_VI,
        "text_en": TEXT_EN,
        "account_ids": [created.json()["id"]],
        "scheduled_for": "2026-01-01T08:00:00Z",
    }
    post = api.post(f"{BASE}/posts", body, content_type="application/json")
    assert post.status_code == 201
    post_id = post.json()["id"]
    assert api.post(f"{BASE}/posts/{post_id}/submit").json()["state"] == "in_approval"
    refused = api.post(f"{BASE}/posts/{post_id}/approve", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    _client(reviewer).post(f"{BASE}/posts/{post_id}/approve", {}, content_type="application/json")
    done = _client(spokes).post(
        f"{BASE}/posts/{post_id}/approve", {"languages": ["vi", "en"]}, content_type="application/json"
    )
    assert done.json()["state"] == "approved"


def test_bad_input_is_problem_json_and_nothing_stored(ministry: Organisation, mission_paris: Organisation) -> None:
    api = _client(press_officer(ministry))
    over = {"title": "T", "text_vi": "a", "text_en": "b", "account_ids": [999], "scheduled_for": "2026-01-01T08:00:00Z"}
    response = api.post(f"{BASE}/posts", over, content_type="application/json")
    assert response.status_code == 422
    assert "account_ids" in response.json()["errors"]
    x_account = {"platform": "x", "base_url": "https://api.x.com", "handle": "@m", "language": "en", "credentials": {}}
    response = api.post(f"{BASE}/accounts", x_account, content_type="application/json")
    assert response.status_code == 422
    assert "platform" in response.json()["errors"]
    assert Post.objects.count() == 0
    assert _client(press_officer(mission_paris, "p")).get(f"{BASE}/posts/1").status_code == 404
