"""Behaviour the ASVS map (docs/asvs-map.yml) cites that no other test checked: each test names its requirement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chancery.identity.models import User
from tests.conftest import current_totp_code, enable_totp
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db

FOREIGN_ORIGIN = "https://attacker.example"


def test_no_cors_header_is_sent_even_to_a_foreign_origin(client: Client, desk_officer: User) -> None:
    """V3.4.2: no Access-Control-Allow-Origin at all, so browsers refuse cross-origin reads."""
    client.force_login(desk_officer)
    for path in ("/api/v1/me", "/", "/accounts/login/"):
        response = client.get(path, HTTP_ORIGIN=FOREIGN_ORIGIN)
        assert response.status_code in {200, 302}
        assert not response.has_header("Access-Control-Allow-Origin")
        assert not response.has_header("Access-Control-Allow-Credentials")
    preflight = client.options("/api/v1/me", HTTP_ORIGIN=FOREIGN_ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert not preflight.has_header("Access-Control-Allow-Origin")


def test_sign_in_never_redirects_to_another_host(client: Client, desk_officer: User) -> None:
    """V3.7.2: a ``next`` pointing at a foreign host is ignored after signing in."""
    for target in (FOREIGN_ORIGIN + "/", "//attacker.example/", "https:attacker.example"):
        client.post("/accounts/logout/")
        response = client.post(
            "/accounts/login/?next=" + target,
            {"login": "desk", "password": "correct horse battery staple 42", "next": target},
        )
        assert response.status_code == 302
        assert "attacker.example" not in response["Location"]
        assert int(client.session["_auth_user_id"]) == desk_officer.pk


def test_password_field_is_masked_and_paste_and_managers_are_allowed(client: Client) -> None:
    """V6.2.6, V6.2.7: type=password, an autocomplete hint for password managers, nothing blocking paste."""
    html = client.get("/accounts/login/").content.decode()
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="off"' not in html
    assert "onpaste" not in html.lower()


def test_a_deactivated_users_session_stops_at_the_next_request(client: Client, desk_officer: User) -> None:
    """V7.4.2: disabling an account ends the use of its sessions (pages and API) at once."""
    client.force_login(desk_officer)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=desk_officer.pk).update(is_active=False)
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401


def test_a_totp_code_is_usable_only_once(security_officer: User) -> None:
    """V6.5.1: replaying a TOTP code that has just signed in is refused."""
    secret = enable_totp(security_officer)
    first = Client()
    sign_in_password(first, "secoff")
    code = current_totp_code(secret)
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert int(first.session["_auth_user_id"]) == security_officer.pk

    second = Client()
    sign_in_password(second, "secoff")
    replay = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200
    assert "_auth_user_id" not in second.session


def test_source_control_metadata_and_directory_listings_are_not_served(client: Client) -> None:
    """V13.4.1, V13.4.3: no .git over HTTP and no listing of the static or media directories."""
    for path in ("/.git/config", "/.git/HEAD", "/static/", "/static/chancery/", "/media/", "/var/"):
        response = client.get(path)
        assert response.status_code in {302, 404}, path
        assert b"Index of" not in response.content
        assert b"[core]" not in response.content


def test_regex_metacharacters_in_a_watch_phrase_are_literal() -> None:
    """V1.2.9: a user's phrase never becomes a regular expression (no wildcards, no catastrophic patterns)."""
    from chancery.intelligence.matching import phrase_in
    from chancery.vault.search import fold

    text = fold("The summit in Hanoi ended")
    assert not phrase_in(".*", text)
    assert not phrase_in("sum.it", text)
    assert not phrase_in("(a+)+$", text)
    assert phrase_in("summit", text)


def test_database_dumps_run_without_a_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """V1.2.5: pg_dump is called with an argument list (no shell), so settings cannot inject commands."""
    import subprocess

    from chancery.resilience import snapshot

    calls: list[tuple[list[str], dict[str, Any]]] = []

    def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((args, kwargs))
        return subprocess.CompletedProcess(args, 1, "", "refused by the test")

    monkeypatch.setattr(snapshot, "database_vendor", lambda: "postgresql")
    monkeypatch.setattr(
        snapshot, "_settings", lambda: {"NAME": "x; rm -rf /", "HOST": "db", "PORT": "", "USER": "u", "PASSWORD": "p"}
    )
    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(snapshot.SnapshotError):
        snapshot.database_snapshot(tmp_path)
    args, kwargs = calls[0]
    assert args[0] == "pg_dump"
    assert kwargs.get("shell", False) is False
    assert "x; rm -rf /" in args  # one argument, never parsed by a shell
    assert kwargs["env"]["PGPASSWORD"] == "p"  # the password is not on the command line


def test_a_totp_code_from_an_earlier_period_is_refused(security_officer: User) -> None:
    """V6.5.5: a TOTP code lives one 30-second period (no tolerance window)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    secret = enable_totp(security_officer)
    client = Client()
    sign_in_password(client, "secoff")
    counter = next(iter(yield_hotp_counters_from_time()))
    back = 2
    stale = format_hotp_value(hotp_value(secret, counter - back))
    while stale == current_totp_code(secret):  # one chance in a million: take an older period instead
        back += 1
        stale = format_hotp_value(hotp_value(secret, counter - back))
    assert client.post("/accounts/2fa/authenticate/", {"code": stale}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_in_issues_a_new_session_id(client: Client, desk_officer: User) -> None:
    """V7.2.4: the anonymous session's id is replaced when the user signs in."""
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    sign_in_password(client, "desk")
    assert int(client.session["_auth_user_id"]) == desk_officer.pk
    assert client.session.session_key != before


def test_an_old_password_is_never_forced_to_rotate(client: Client, desk_officer: User) -> None:
    """V6.2.10: a password set years ago still signs in, straight to the dashboard."""
    from datetime import UTC, datetime

    User.objects.filter(pk=desk_officer.pk).update(date_joined=datetime(2020, 1, 1, tzinfo=UTC))
    response = sign_in_password(client, "desk")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_client_address_is_the_peer_not_a_forwarded_header(rf: Any) -> None:
    """V4.1.3, V15.3.4: X-Forwarded-For from the client is ignored; only uvicorn's trusted proxies may set it."""
    from chancery.platform.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(request) == "10.0.0.7"


def test_a_repeated_query_parameter_uses_the_last_value_and_validates_it(
    client: Client, security_officer: User
) -> None:
    """V15.3.7: with a parameter given twice, exactly one value (the last) is used, and that value is validated."""
    from chancery.audit.models import AuditEvent
    from tests.api.conftest import bearer, issue_token

    secret = issue_token(security_officer, ["audit:read"]).secret
    for action, outcome in (("test.denied", "denied"), ("test.success", "success")):
        AuditEvent.objects.create(action=action, actor_username="someone", outcome=outcome)
    base = "/api/v1/audit/events?action=test.&"

    def actions(query: str) -> list[str]:
        response = client.get(base + query, **bearer(secret))
        assert response.status_code == 200
        return [item["action"] for item in response.json()["items"]]

    assert actions("outcome=denied&outcome=success") == ["test.success"]
    assert actions("outcome=success&outcome=denied") == ["test.denied"]
    refused = client.get(base + "outcome=denied&outcome=maybe", **bearer(secret))
    assert refused.status_code == 422
    assert "query.outcome" in refused.json()["errors"]


def test_changing_an_authenticator_asks_to_authenticate_again(client: Client, desk_officer: User) -> None:
    """V7.5.1: removing TOTP, adding a security key or regenerating recovery codes needs a fresh authentication."""
    enable_totp(desk_officer)
    client.force_login(desk_officer)  # a session without a recent authentication record
    for path in (
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/recovery-codes/generate/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/reauthenticate/"), path
    refused = client.post("/accounts/2fa/totp/deactivate/", {})
    assert refused["Location"].startswith("/accounts/reauthenticate/")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=desk_officer, type=Authenticator.Type.TOTP).exists()
