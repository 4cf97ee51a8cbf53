"""Deny by default: every URL and every API operation refuses an anonymous request.

Pages redirect to the sign-in page; the API answers 401 problem+json. The only exceptions are listed in
``PUBLIC`` with the reason they are public. A new URL fails this test until it refuses anonymous
visitors or is added to the list on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from chancery.platform.api.snapshot import openapi_document

# URL names (namespace:name) that anonymous visitors may use, and why.
PUBLIC: dict[str, str] = {
    # Signing in, and recovering access, happen before there is a session.
    "account_login": "the sign-in page",
    "account_signup": "allauth's sign-up page (closed by the adapter: it only says so)",
    "account_reset_password": "password reset request",
    "account_reset_password_done": "password reset request sent",
    "account_reset_password_from_key": "password reset link from the e-mail",
    "account_reset_password_from_key_done": "password reset complete",
    "account_confirm_email": "e-mail confirmation link",
    "account_email_verification_sent": "e-mail verification notice",
    "account_inactive": "inactive-account notice",
    "password_reset_disabled": "answers 404: self-service password reset is switched off",
    "set_language": "the language switch on the sign-in page",
    "admin:login": "Django admin's own sign-in page",
    "admin:logout": "Django admin's sign-out",
    "api:openapi-json": "the API description; the same document is published in docs/openapi.json",
    "agreements:user_feed": "a calendar client's obligations feed: the secret token in the URL is the credential",
    "outreach:review": "an outside approver's link to one post: the signed token in the URL is the credential",
    "awareness_drill:drill_click": "a phishing drill's link: the signed token in the URL names the recipient",
    "awareness_drill:drill_open": "a phishing drill's tracking pixel (mail clients have no session)",
    "awareness_drill:drill_submit": "a phishing drill's landing form (records only that it was sent)",
    "awareness_drill:drill_learn": "the teaching page shown after a phishing drill",
}
PUBLIC_PATH_PREFIXES: dict[str, str] = {
    "/tlog/": "the transparency log's checkpoints, keys and tiles are public by design (witnesses, auditors)",
    "/taxii2/": "TAXII 2.1 answers 401 with a TAXII error itself (bearer tokens, tests/threatintel/test_taxii.py)",
    "/statements/": "the ministry's own channel: approved public statements and their Atom feed (docs/outreach.md)",
}
DUMMY_VALUES = ("1", "x", "0/000", "a1b2c3")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        regex = entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + regex, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + regex, entry


def _sample_paths(regex: str) -> Iterator[str]:
    # A group that is a plain alternation (admin's app labels) takes its first alternative.
    regex = re.sub(r"\(\?P<\w+>([\w|]+)\)", lambda m: m.group(1).split("|")[0], regex)
    for template, params in normalize(regex):
        for dummy in DUMMY_VALUES:
            yield "/" + template % dict.fromkeys(params, dummy)


def _concrete(regex: str) -> str | None:
    """Return a path that this pattern matches and the URLconf resolves (converters get dummy values)."""
    for candidate in _sample_paths(regex):
        if not re.fullmatch(regex, candidate[1:]):
            continue
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return None


def _is_public(name: str, path: str) -> bool:
    bare = name.rsplit(":", maxsplit=1)[-1]
    return name in PUBLIC or bare in PUBLIC or path.startswith(tuple(PUBLIC_PATH_PREFIXES))


def _all_urls() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _is_sign_in(location: str) -> bool:
    return location.startswith(("/accounts/login/", "/admin/login/"))


def _assert_refused(client: Client, path: str, name: str) -> None:
    response = client.get(path)
    for method in ("post", "put", "patch", "delete"):  # a view without GET must refuse its own methods too
        if response.status_code != 405:
            break
        response = getattr(client, method)(path)
    if path.startswith("/api/"):
        # 401 for operations, 404 for the API root and unknown routes (nothing there), both problem+json.
        assert response.status_code in {302, 401, 404}, (name, path, response.status_code)
        if response.status_code == 302:  # the docs page: a page, so it sends to sign-in
            assert _is_sign_in(response["Location"]), (name, path)
        else:
            assert response["Content-Type"].startswith("application/problem+json"), (name, path)
        return
    assert response.status_code == 302, (name, path, response.status_code)
    assert _is_sign_in(response["Location"]), (name, path, response["Location"])


@pytest.mark.django_db
def test_every_url_refuses_anonymous_visitors(client: Client) -> None:
    checked, unresolvable = 0, []
    for name, regex, _pattern in _all_urls():
        path = _concrete(regex)
        if path is None:
            unresolvable.append((name, regex))
            continue
        if _is_public(name, path):
            continue
        _assert_refused(client, path, name)
        checked += 1
    assert not unresolvable, f"could not build a path for: {unresolvable}"
    assert checked > 20  # the walk found the application's URLs


@pytest.mark.django_db
def test_every_api_operation_answers_401_problem_to_anonymous_callers(client: Client) -> None:
    document = openapi_document()
    operations = 0
    for path, item in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in item:
            response = client.generic(method.upper(), concrete, data=b"{}", content_type="application/json")
            assert response.status_code == 401, (method, path, response.status_code)
            assert response["Content-Type"].startswith("application/problem+json")
            assert response.json()["type"] == "/problems/not-authenticated"
            operations += 1
    assert operations >= 2


def test_public_allowlist_names_only_existing_urls() -> None:
    names = {name for name, _regex, _pattern in _all_urls()}
    bare = {name.split(":")[-1] for name in names}
    stale = [name for name in PUBLIC if name not in names and name not in bare]
    assert not stale, f"PUBLIC lists URLs that no longer exist: {stale}"
