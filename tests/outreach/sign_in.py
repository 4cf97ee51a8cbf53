"""Signing in to the fake platforms the way a press officer's browser does, for the OAuth tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from chancery.identity.models import User
from chancery.outreach.account_services import SignInStart, account_sign_in_complete, account_sign_in_start
from chancery.outreach.fake_platforms import FakeFacebook, FakeX
from chancery.outreach.models import Account
from tests.conftest import actor_of

CALLBACK = "http://testserver/outreach/accounts/callback/"


def consent(url: str) -> dict[str, str]:
    """Follow the authorization page ``url`` like a browser whose user consents; return the redirect's query.

    ``server`` is added: the last path segment of the callback, naming the server the answer is meant for.
    """
    response = httpx.get(url, follow_redirects=False, timeout=5)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(CALLBACK)
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    query["server"] = urlsplit(location).path.rstrip("/").rsplit("/", 1)[1]
    return query


def x_start(server: FakeX, language: str = "en") -> SignInStart:
    """Return the sign-in form for the fake X (its API and authorization page share one address)."""
    return SignInStart(platform="x", language=language, base_url=server.base_url, web_base_url=server.base_url)


def facebook_start(server: FakeFacebook, language: str = "vi", page_id: str = "") -> SignInStart:
    """Return the sign-in form for the fake Facebook (Graph API and Login dialog addresses, optional Page)."""
    return SignInStart(
        platform="facebook", language=language, base_url=server.graph_url, web_base_url=server.base_url, page_id=page_id
    )


def signed_in(user: User, start: SignInStart) -> Account:
    """Sign ``user`` in with ``start`` through the platform's consent page; return the connected account."""
    query = consent(account_sign_in_start(actor=actor_of(user), start=start, callback_base=CALLBACK))
    return account_sign_in_complete(
        actor=actor_of(user), server=query["server"], state=query["state"], code=query["code"]
    )
