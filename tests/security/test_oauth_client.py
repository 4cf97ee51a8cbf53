"""ASVS V10.1.1: the OAuth tokens outreach obtains stay on the server; the browser never receives them.

Signing in to X through the pages (against the local fake X speaking OAuth 2 with PKCE), the access and
refresh tokens go from the token endpoint into sealed storage; no page, redirect or API answer the press
officer's browser gets contains either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client

from chancery.missions.models import Organisation
from chancery.outreach.credentials import credentials_open
from chancery.outreach.fake_platforms import X_CLIENT_ID, X_CLIENT_SECRET, FakeX
from chancery.outreach.models import Account
from tests.outreach.factories import press_officer
from tests.outreach.platform_fakes import fake_x

__all__ = ["fake_x"]

pytestmark = pytest.mark.django_db


def test_tokens_are_never_sent_to_the_browser(settings: object, ministry: Organisation, fake_x: FakeX) -> None:
    settings.OUTREACH_X_CLIENT_ID = X_CLIENT_ID  # type: ignore[attr-defined]
    settings.OUTREACH_X_CLIENT_SECRET = X_CLIENT_SECRET  # type: ignore[attr-defined]
    browser = Client()
    browser.force_login(press_officer(ministry))
    seen: list[bytes] = []
    started = browser.post(
        "/outreach/accounts/",
        {"form": "oauth", "oauth-platform": "x", "oauth-language": "en", "oauth-base_url": fake_x.base_url},
    )
    seen.append(started["Location"].encode())
    consent = httpx.get(started["Location"].replace("https://x.com", fake_x.base_url), timeout=5)
    back = urlsplit(consent.headers["location"])
    callback = browser.get(f"{back.path}?{back.query}", follow=True)
    seen += [callback.content, *(url.encode() for url, _status in callback.redirect_chain)]
    account = Account.objects.get()
    for address in (
        "/outreach/accounts/",
        "/api/v1/outreach/accounts/all",
        f"/api/v1/outreach/accounts/{account.pk}",
    ):
        response = browser.get(address)
        assert response.status_code == 200, address
        seen += [response.content, *(value.encode() for value in response.headers.values())]
    credentials = credentials_open(account)
    assert fake_x.auth.valid(credentials["access_token"])  # the server holds a working token
    for secret in (credentials["access_token"], credentials["refresh_token"], X_CLIENT_SECRET):
        assert not any(secret.encode() in part for part in seen)
