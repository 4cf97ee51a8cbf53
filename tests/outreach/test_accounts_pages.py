"""Account and workflow set-up pages and API: sign-in through the pages, forms, permissions, problem+json."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach.account_services import sign_in_server_key
from chancery.outreach.fake_platforms import X_CLIENT_ID, X_CLIENT_SECRET, FakeBlueskyAuth, FakeX
from chancery.outreach.fake_servers import BLUESKY_PASSWORD
from chancery.outreach.models import Account, ApprovalStep
from tests.outreach.factories import press_officer, user
from tests.outreach.platform_fakes import fake_bluesky_auth, fake_x

__all__ = ["fake_bluesky_auth", "fake_x"]

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outreach"


@pytest.fixture(autouse=True)
def _x_client(settings: object) -> None:
    settings.OUTREACH_X_CLIENT_ID = X_CLIENT_ID  # type: ignore[attr-defined]
    settings.OUTREACH_X_CLIENT_SECRET = X_CLIENT_SECRET  # type: ignore[attr-defined]


def _client(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


def _platform_redirect(location: str) -> str:
    """Open the platform's authorization page like a consenting user's browser; return Chancery's callback."""
    response = httpx.get(location, follow_redirects=False, timeout=5)
    assert response.status_code == 302
    parts = urlsplit(response.headers["location"])
    return f"{parts.path}?{parts.query}"


def test_connect_x_through_the_pages(ministry: Organisation, fake_x: FakeX) -> None:
    page = _client(press_officer(ministry))
    listing = page.get("/outreach/accounts/")
    assert listing.status_code == 200
    assert "No accounts connected yet." in listing.content.decode()
    started = page.post(
        "/outreach/accounts/",
        {
            "form": "oauth",
            "oauth-platform": "x",
            "oauth-language": "en",
            "oauth-base_url": fake_x.base_url,
        },
    )
    assert started.status_code == 302
    # the web address of X defaults to x.com: point it at the fake for the browser step
    location = started["Location"].replace("https://x.com", fake_x.base_url)
    server = sign_in_server_key(platform="x", base_url=fake_x.base_url)
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [
        f"http://testserver/outreach/accounts/callback/{server}/"
    ]
    back = page.get(_platform_redirect(location))
    assert back.status_code == 302
    assert back["Location"] == "/outreach/accounts/"
    account = Account.objects.get()
    assert (account.platform, account.handle, account.status) == ("x", "@MOFAVietNam", "connected")
    listing = page.get("/outreach/accounts/").content.decode()
    assert "@MOFAVietNam" in listing
    assert "Connected" in listing

    replay = page.get(_platform_redirect(location).split("?")[0] + "?state=forged&code=x")
    assert replay.status_code == 400
    assert "start it again" in replay.content.decode()

    gone = page.post(f"/outreach/accounts/{account.pk}/disconnect/")
    assert gone.status_code == 302
    account.refresh_from_db()
    assert (account.is_active, account.status) == (False, "disconnected")


def test_bluesky_form_errors_and_success(ministry: Organisation, fake_bluesky_auth: FakeBlueskyAuth) -> None:
    page = _client(press_officer(ministry))
    form = {
        "form": "bluesky",
        "bluesky-identifier": fake_bluesky_auth.handle,
        "bluesky-app_password": "wrong",
        "bluesky-language": "vi",
        "bluesky-base_url": fake_bluesky_auth.base_url,
    }
    refused = page.post("/outreach/accounts/", form)
    assert refused.status_code == 400
    assert "app password was refused" in refused.content.decode()
    assert Account.objects.count() == 0
    done = page.post("/outreach/accounts/", {**form, "bluesky-app_password": BLUESKY_PASSWORD})
    assert done.status_code == 302
    account = Account.objects.get()
    assert account.handle == f"@{fake_bluesky_auth.handle}"
    checked = page.post(f"/outreach/accounts/{account.pk}/check/")
    assert checked.status_code == 302


def test_unknown_mastodon_address_is_a_form_message(ministry: Organisation) -> None:
    page = _client(press_officer(ministry))
    response = page.post(
        "/outreach/accounts/",
        {"form": "oauth", "oauth-platform": "mastodon", "oauth-language": "vi", "oauth-base_url": "not a url"},
    )
    assert response.status_code == 400
    assert Account.objects.count() == 0


def test_set_up_pages_refuse_other_roles_and_other_units(
    ministry: Organisation, mission_paris: Organisation, fake_bluesky_auth: FakeBlueskyAuth
) -> None:
    press = press_officer(ministry)
    _client(press).post(
        "/outreach/accounts/",
        {
            "form": "bluesky",
            "bluesky-identifier": fake_bluesky_auth.handle,
            "bluesky-app_password": BLUESKY_PASSWORD,
            "bluesky-language": "vi",
            "bluesky-base_url": fake_bluesky_auth.base_url,
        },
    )
    account = Account.objects.get()
    desk = _client(user("desk", Role.DESK_OFFICER, ministry))
    for url in ("/outreach/accounts/", "/outreach/workflow/"):
        assert desk.get(url).status_code == 403
    assert desk.post(f"/outreach/accounts/{account.pk}/disconnect/").status_code == 403
    paris = _client(press_officer(mission_paris, "paris"))
    assert "@" + fake_bluesky_auth.handle not in paris.get("/outreach/accounts/").content.decode()
    assert paris.post(f"/outreach/accounts/{account.pk}/disconnect/").status_code == 404
    assert paris.get(f"{BASE}/accounts/{account.pk}").status_code == 404
    assert desk.get(f"{BASE}/accounts/all").status_code == 403
    account.refresh_from_db()
    assert account.is_active


def test_workflow_page_saves_steps_and_refuses_bad_input(ministry: Organisation) -> None:
    press = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    page = _client(press)
    assert page.get("/outreach/workflow/").status_code == 200
    bad = page.post("/outreach/workflow/", {"name_1": "Review", "mode_1": "any"})  # no approvers
    assert bad.status_code == 400
    assert "needs active internal approvers" in bad.content.decode()
    assert ApprovalStep.objects.count() == 0
    saved = page.post(
        "/outreach/workflow/",
        {
            "name_1": "Press office review",
            "mode_1": "any",
            "approvers_1": [str(reviewer.pk)],
            "name_2": "Spokesperson",
            "mode_2": "all",
            "approvers_2": [str(spokes.pk), str(reviewer.pk)],
        },
    )
    assert saved.status_code == 302
    steps = list(ApprovalStep.objects.order_by("position"))
    assert [(s.name, s.mode) for s in steps] == [("Press office review", "any"), ("Spokesperson", "all")]
    shown = page.get("/outreach/workflow/").content.decode()
    assert "Spokesperson" in shown
    api = page.get(f"{BASE}/workflow").json()
    assert api[1]["approver_ids"] == sorted([spokes.pk, reviewer.pk])


def test_sign_in_over_the_api(ministry: Organisation, fake_x: FakeX) -> None:
    api = _client(press_officer(ministry))
    bad = api.post(
        f"{BASE}/accounts/sign-in", {"platform": "x", "language": "en", "base_url": "ftp://x"}, "application/json"
    )
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    started = api.post(
        f"{BASE}/accounts/sign-in",
        {"platform": "x", "language": "en", "base_url": fake_x.base_url, "web_base_url": fake_x.base_url},
        "application/json",
    )
    assert started.status_code == 200
    assert started.json()["redirect_uri"].endswith(
        f"/callback/{sign_in_server_key(platform='x', base_url=fake_x.base_url)}/"
    )
    redirect = httpx.get(started.json()["authorize_url"], follow_redirects=False, timeout=5)
    back = urlsplit(redirect.headers["location"])
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    query["server"] = back.path.rstrip("/").rsplit("/", 1)[1]
    done = api.post(f"{BASE}/accounts/sign-in/complete", query, "application/json")
    assert done.status_code == 201
    body = done.json()
    assert (body["platform"], body["handle"], body["status"]) == ("x", "@MOFAVietNam", "connected")
    assert "credentials" not in body
    again = api.post(f"{BASE}/accounts/sign-in/complete", query, "application/json")
    assert again.status_code == 422
    listed = api.get(f"{BASE}/accounts/all").json()
    assert [a["handle"] for a in listed] == ["@MOFAVietNam"]
    gone = api.post(f"{BASE}/accounts/{body['id']}/disconnect")
    assert gone.json()["status"] == "disconnected"
