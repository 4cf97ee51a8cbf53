"""Disconnecting an account revokes its access at the platform (fakes), and still disconnects on an error."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.outreach import services
from chancery.outreach.account_services import BlueskyIn, SignInStart, account_bluesky_connect, account_disconnect
from chancery.outreach.credentials import credentials_open
from chancery.outreach.fake_platforms import FakeBlueskyAuth, FakeFacebook, FakeMastodonAuth, FakeX
from chancery.outreach.fake_servers import BLUESKY_PASSWORD, MASTODON_TOKEN, FakeMastodon
from chancery.outreach.models import Account
from tests.conftest import actor_of
from tests.outreach.sign_in import facebook_start, signed_in, x_start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oauth_clients")]


def _audit(account: Account) -> dict[str, object]:
    event = AuditEvent.objects.get(action="outreach.account_disconnected", object_id=str(account.pk))
    return dict(event.detail)


def test_x_tokens_are_revoked_then_the_credentials_destroyed(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    credentials = credentials_open(account)
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert (gone.is_active, gone.status, gone.status_detail, gone.wrapped_key) == (False, "disconnected", "", None)
    assert fake_x.revocations == 2  # the refresh token and the access token
    assert not fake_x.auth.valid(credentials["access_token"])
    assert credentials["refresh_token"] not in fake_x.auth.refresh
    assert _audit(gone) == {"platform": "x", "revoked": True}


def test_a_platform_error_still_disconnects_and_says_so(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    credentials = credentials_open(account)
    fake_x.fail_next("500")
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert (gone.is_active, gone.status, gone.wrapped_key) == (False, "disconnected", None)
    assert "did not revoke the access" in gone.status_detail
    assert "HTTP 503" in gone.status_detail
    assert credentials_open(gone) == {}
    assert fake_x.auth.valid(credentials["access_token"])  # still valid there: the press office is told
    assert _audit(gone) == {"platform": "x", "revoked": False, "error": "unavailable"}


def test_mastodon_token_revoked_with_the_app_credentials(press: User, fake_mastodon_auth: FakeMastodonAuth) -> None:
    account = signed_in(press, SignInStart(platform="mastodon", language="vi", base_url=fake_mastodon_auth.base_url))
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert fake_mastodon_auth.revoked
    assert gone.status_detail == ""
    assert (
        httpx.get(
            f"{fake_mastodon_auth.base_url}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {fake_mastodon_auth.token}"},
            timeout=5,
        ).status_code
        == 401
    )


def test_mastodon_account_without_app_credentials_is_disconnected_with_a_note(
    press: User, fake_mastodon: FakeMastodon
) -> None:
    account = services.account_create(
        actor=actor_of(press),
        account=services.AccountIn(
            platform="mastodon",
            base_url=fake_mastodon.base_url,
            handle="@mofa",
            language="vi",
            credentials={"access_token": MASTODON_TOKEN},
        ),
    )
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert gone.status == "disconnected"
    assert "no app credentials are stored" in gone.status_detail
    assert not fake_mastodon.revoked
    assert _audit(gone) == {"platform": "mastodon", "revoked": False, "error": "nothing_to_revoke"}


def test_facebook_permissions_removed_so_the_page_token_dies(press: User, fake_facebook: FakeFacebook) -> None:
    account = signed_in(press, facebook_start(fake_facebook))
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert gone.status_detail == ""
    answer = httpx.get(
        f"{fake_facebook.graph_url}/{fake_facebook.page_id}/published_posts",
        headers={"Authorization": f"Bearer {fake_facebook.page_token}"},
        timeout=5,
    )
    assert answer.json()["error"]["code"] == 190
    assert _audit(gone) == {"platform": "facebook", "revoked": True}


def test_bluesky_session_deleted_and_the_app_password_named(press: User, fake_bluesky_auth: FakeBlueskyAuth) -> None:
    account = account_bluesky_connect(
        actor=actor_of(press),
        account=BlueskyIn(
            identifier=fake_bluesky_auth.handle,
            app_password=BLUESKY_PASSWORD,
            language="en",
            base_url=fake_bluesky_auth.base_url,
        ),
    )
    refresh = credentials_open(account)["refresh_jwt"]
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert fake_bluesky_auth.sessions_deleted == 1
    assert refresh.removesuffix(".refresh") not in fake_bluesky_auth.tokens
    assert "revoke the app password in Bluesky's settings" in gone.status_detail
    assert _audit(gone) == {"platform": "bluesky", "revoked": True}


def test_the_page_warns_when_the_platform_did_not_revoke(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    fake_x.fail_next("500")
    page = Client()
    page.force_login(press)
    answer = page.post(f"/outreach/accounts/{account.pk}/disconnect/", follow=True)
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "did not revoke the access" in body
    assert "Disconnected" in body
    account.refresh_from_db()
    assert not account.is_active


def test_the_page_confirms_a_revocation(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    page = Client()
    page.force_login(press)
    body = page.post(f"/outreach/accounts/{account.pk}/disconnect/", follow=True).content.decode()
    assert "its access was revoked and its credentials destroyed" in body


def test_the_api_reports_a_revocation_that_failed(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    fake_x.fail_next("500")
    api = Client()
    api.force_login(press)
    answer = api.post(f"/api/v1/outreach/accounts/{account.pk}/disconnect")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["is_active"]) == ("disconnected", False)
    assert "did not revoke the access" in body["status_detail"]
