"""Signing in to each platform against the local fakes: state checked, tokens sealed, refresh, revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.account_services import (
    BlueskyIn,
    SignInStart,
    account_bluesky_connect,
    account_check,
    account_credentials_current,
    account_disconnect,
    account_sign_in_complete,
    account_sign_in_start,
    sign_in_server_key,
)
from chancery.outreach.connectors.errors import CredentialsRejected
from chancery.outreach.credentials import credentials_open
from chancery.outreach.enums import PostState, TargetState
from chancery.outreach.fake_platforms import FakeBlueskyAuth, FakeFacebook, FakeMastodonAuth, FakeX
from chancery.outreach.fake_servers import BLUESKY_PASSWORD
from chancery.outreach.models import Account, AuthorisationRequest
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.models import Event
from tests.conftest import actor_of
from tests.outreach.factories import draft, press_officer, two_step_workflow, user
from tests.outreach.sign_in import CALLBACK, consent, facebook_start, signed_in, x_start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oauth_clients")]
SYSTEM = Actor.system(purpose="outreach.publish")


def test_x_sign_in_with_pkce_stores_sealed_tokens(press: User, fake_x: FakeX) -> None:
    start = x_start(fake_x)
    url = account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK)
    params = parse_qs(urlsplit(url).query)
    assert params["code_challenge_method"] == ["S256"]
    assert "offline.access" in params["scope"][0]
    request = AuthorisationRequest.objects.get()
    assert params["state"][0] not in request.state_sha256  # only its digest is stored
    assert b"verifier" not in bytes(request.secrets_sealed)
    query = consent(url)
    account = account_sign_in_complete(
        actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
    )
    assert (account.platform, account.handle, account.language) == ("x", "@MOFAVietNam", "en")
    assert account.token_expires_at is not None
    credentials = credentials_open(account)
    assert fake_x.auth.valid(credentials["access_token"])
    assert credentials["refresh_token"] in fake_x.auth.refresh
    assert credentials["access_token"].encode() not in bytes(account.credentials_sealed)
    assert AuthorisationRequest.objects.count() == 0
    assert AuditEvent.objects.filter(action="outreach.account_connected").exists()
    with pytest.raises(InvalidInput):  # a state works once
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
        )


def test_an_answer_arriving_at_another_servers_address_is_refused_and_uses_up_the_state(
    press: User, fake_x: FakeX
) -> None:
    start = x_start(fake_x)
    url = account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK)
    query = consent(url)
    assert query["server"] == sign_in_server_key(platform="x", base_url=fake_x.base_url)
    other = sign_in_server_key(platform="mastodon", base_url="https://mastodon.example")
    with pytest.raises(InvalidInput, match="another server"):  # a mix-up: the code was meant for another server
        account_sign_in_complete(actor=actor_of(press), server=other, state=query["state"], code=query["code"])
    assert Account.objects.count() == 0
    with pytest.raises(InvalidInput):  # and the state cannot be replayed at the right address afterwards
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
        )
    assert Account.objects.count() == 0


def test_a_forged_or_foreign_state_is_refused(press: User, ministry: Organisation, fake_x: FakeX) -> None:
    start = x_start(fake_x)
    query = consent(account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK))
    with pytest.raises(InvalidInput):
        account_sign_in_complete(actor=actor_of(press), server=query["server"], state="forged", code=query["code"])
    colleague = press_officer(ministry, "colleague")
    with pytest.raises(InvalidInput):  # another user cannot finish my sign-in
        account_sign_in_complete(
            actor=actor_of(colleague), server=query["server"], state=query["state"], code=query["code"]
        )
    assert Account.objects.count() == 0


def test_an_expired_sign_in_is_refused(press: User, fake_x: FakeX) -> None:
    start = x_start(fake_x)
    query = consent(account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK))
    AuthorisationRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput):
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
        )
    assert Account.objects.count() == 0


def test_consent_refused_at_the_platform_stores_nothing(press: User, fake_x: FakeX) -> None:
    fake_x.auth.deny = True
    start = x_start(fake_x)
    query = consent(account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK))
    with pytest.raises(InvalidInput) as raised:
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code="", error=query["error"]
        )
    assert "access_denied" in raised.value.detail
    assert Account.objects.count() == 0


def test_x_token_is_refreshed_before_it_expires(press: User, fake_x: FakeX) -> None:
    account = signed_in(press, x_start(fake_x))
    before = credentials_open(account)
    Account.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + timedelta(minutes=1))
    account.refresh_from_db()
    after = account_credentials_current(actor=SYSTEM, account=account)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] not in (before["refresh_token"], "")
    assert before["refresh_token"] not in fake_x.auth.refresh  # rotated
    account.refresh_from_db()
    assert account.token_expires_at is not None
    assert account.token_expires_at > timezone.now() + timedelta(hours=1)
    assert credentials_open(account)["access_token"] == after["access_token"]
    assert AuditEvent.objects.filter(action="outreach.account_token_refreshed").exists()


@pytest.mark.django_db(transaction=True)
def test_revoked_x_credentials_alert_the_press_office_and_publish_nothing(
    press: User, ministry: Organisation, fake_x: FakeX
) -> None:
    reviewer, spokes = press_officer(ministry, "reviewer"), user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(press, [reviewer], [spokes])
    account = signed_in(press, x_start(fake_x))
    post = draft(press, [account])
    services.post_submit(actor=actor_of(press), post_id=post.pk)
    services.post_approve(actor=actor_of(reviewer), post_id=post.pk)
    services.post_approve(actor=actor_of(spokes), post_id=post.pk)
    fake_x.auth.revoke_all()
    Account.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + timedelta(minutes=1))
    posts_publish_due(actor=SYSTEM)
    post.refresh_from_db()
    account.refresh_from_db()
    target = post.targets.get()
    assert target.state == TargetState.FAILED
    assert "authorise again" in target.last_error
    assert post.state == PostState.ATTENTION
    assert post.statement_published_at is not None  # the ministry's own channel still has it
    assert account.status == "reauthorise"
    assert fake_x.state.writes == 0
    alerted = set(Event.objects.filter(kind="outreach.account_needs_sign_in").values_list("user_id", flat=True))
    assert {press.pk, reviewer.pk, spokes.pk} <= alerted
    with pytest.raises(CredentialsRejected):  # nothing is sent with it until someone signs in again
        account_credentials_current(actor=SYSTEM, account=account)

    again = signed_in(press, x_start(fake_x))  # signing in again re-authorises the same account
    assert again.pk == account.pk
    assert again.status == "connected"
    services.post_recover(actor=actor_of(reviewer), post_id=post.pk)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert fake_x.state.writes == 1
    assert post.targets.get().url.startswith(f"{fake_x.base_url}/MOFAVietNam/status/")


def test_mastodon_registers_the_app_then_signs_in_with_pkce(press: User, fake_mastodon_auth: FakeMastodonAuth) -> None:
    start = SignInStart(platform="mastodon", language="vi", base_url=fake_mastodon_auth.base_url)
    url = account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK)
    assert len(fake_mastodon_auth.apps) == 1
    assert parse_qs(urlsplit(url).query)["code_challenge_method"] == ["S256"]
    query = consent(url)
    account = account_sign_in_complete(
        actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
    )
    assert (account.handle, account.max_characters) == ("@mofa", 500)
    credentials = credentials_open(account)
    assert credentials["access_token"] == fake_mastodon_auth.token
    assert credentials["client_id"] in fake_mastodon_auth.apps


def test_mastodon_wrong_verifier_is_refused(press: User, fake_mastodon_auth: FakeMastodonAuth) -> None:
    start = SignInStart(platform="mastodon", language="vi", base_url=fake_mastodon_auth.base_url)
    query = consent(account_sign_in_start(actor=actor_of(press), start=start, callback_base=CALLBACK))
    for grant in fake_mastodon_auth.auth.codes.values():
        grant.challenge = "not-the-challenge"
    with pytest.raises(InvalidInput) as raised:
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
        )
    assert "invalid_grant" in raised.value.detail
    assert Account.objects.count() == 0


def test_unreachable_mastodon_instance_is_a_form_error(press: User) -> None:
    server = FakeMastodonAuth()
    url = server.base_url
    server.server_close()
    with pytest.raises(InvalidInput) as raised:
        account_sign_in_start(
            actor=actor_of(press),
            start=SignInStart(platform="mastodon", language="vi", base_url=url),
            callback_base=CALLBACK,
        )
    assert "base_url" in raised.value.errors
    assert AuthorisationRequest.objects.count() == 0


def test_facebook_dialog_then_page_token(press: User, fake_facebook: FakeFacebook) -> None:
    account = signed_in(press, facebook_start(fake_facebook))
    assert account.handle == "Bộ Ngoại giao"
    assert credentials_open(account) == {
        "page_id": fake_facebook.page_id,
        "page_access_token": fake_facebook.page_token,
        "user_id": fake_facebook.user_id,  # kept to revoke the app's permissions on disconnecting
    }


def test_facebook_several_pages_need_a_page_id(press: User, fake_facebook: FakeFacebook) -> None:
    fake_facebook.extra = [("444555666", "Đại sứ quán Việt Nam tại Pháp")]
    query = consent(
        account_sign_in_start(actor=actor_of(press), start=facebook_start(fake_facebook), callback_base=CALLBACK)
    )
    with pytest.raises(InvalidInput) as raised:
        account_sign_in_complete(
            actor=actor_of(press), server=query["server"], state=query["state"], code=query["code"]
        )
    assert "444555666" in raised.value.detail
    account = signed_in(press, facebook_start(fake_facebook, page_id="444555666"))
    assert credentials_open(account)["page_id"] == "444555666"


def test_unconfigured_x_cannot_start(press: User, settings: object) -> None:
    settings.OUTREACH_X_CLIENT_ID = ""  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as raised:
        account_sign_in_start(
            actor=actor_of(press), start=SignInStart(platform="x", language="en"), callback_base=CALLBACK
        )
    assert "platform" in raised.value.errors


def test_bluesky_app_password_then_refresh_session(press: User, fake_bluesky_auth: FakeBlueskyAuth) -> None:
    account = account_bluesky_connect(
        actor=actor_of(press),
        account=BlueskyIn(
            identifier=fake_bluesky_auth.handle,
            app_password=BLUESKY_PASSWORD,
            language="en",
            base_url=fake_bluesky_auth.base_url,
            web_base_url=fake_bluesky_auth.base_url,
        ),
    )
    assert account.handle == f"@{fake_bluesky_auth.handle}"
    first = credentials_open(account)["refresh_jwt"]
    checked = account_check(actor=actor_of(press), account_id=account.pk)
    assert checked.status == "connected"
    assert credentials_open(checked)["refresh_jwt"] != first  # renewed with refreshSession
    with pytest.raises(InvalidInput):
        account_bluesky_connect(
            actor=actor_of(press),
            account=BlueskyIn(
                identifier=fake_bluesky_auth.handle,
                app_password="wrong",
                language="en",
                base_url=fake_bluesky_auth.base_url,
            ),
        )


def test_check_marks_a_revoked_account_and_disconnect_destroys_credentials(
    press: User, fake_bluesky_auth: FakeBlueskyAuth, django_capture_on_commit_callbacks: Any
) -> None:
    account = account_bluesky_connect(
        actor=actor_of(press),
        account=BlueskyIn(
            identifier=fake_bluesky_auth.handle,
            app_password=BLUESKY_PASSWORD,
            language="en",
            base_url=fake_bluesky_auth.base_url,
        ),
    )
    fake_bluesky_auth.revoke_sessions()
    fake_bluesky_auth.password = "changed"  # the app password was revoked too
    with django_capture_on_commit_callbacks(execute=True):
        checked = account_check(actor=actor_of(press), account_id=account.pk)
    assert checked.status == "reauthorise"
    assert Event.objects.filter(kind="outreach.account_needs_sign_in", user_id=press.pk).exists()
    gone = account_disconnect(actor=actor_of(press), account_id=account.pk)
    assert (gone.is_active, gone.status, gone.wrapped_key) == (False, "disconnected", None)
    assert credentials_open(gone) == {}


def test_other_role_and_other_unit_cannot_sign_in(
    ministry: Organisation, mission_paris: Organisation, fake_x: FakeX
) -> None:
    start = x_start(fake_x)
    desk = user("desk", Role.DESK_OFFICER, ministry)
    with pytest.raises(PermissionDenied):
        account_sign_in_start(actor=actor_of(desk), start=start, callback_base=CALLBACK)
    press = press_officer(ministry)
    account = signed_in(press, x_start(fake_x))
    paris = press_officer(mission_paris, "paris")
    with pytest.raises(NotFound):  # another unit's account is not found
        account_sign_in_start(
            actor=actor_of(paris), start=SignInStart(platform="x", account_id=account.pk), callback_base=CALLBACK
        )
    with pytest.raises(PermissionDenied):
        account_credentials_current(actor=actor_of(desk), account=account)
