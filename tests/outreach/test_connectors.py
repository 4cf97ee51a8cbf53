"""Connectors against the local fake servers: publish, fetch back, idempotency and typed errors."""

from __future__ import annotations

import pytest

from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.bluesky import BlueskyConnector, tid_new
from chancery.outreach.connectors.errors import (
    ConnectionFailed,
    CredentialsRejected,
    MalformedResponse,
    NotImplementedConnector,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)
from chancery.outreach.connectors.mastodon import MastodonConnector
from chancery.outreach.fake_servers import BLUESKY_PASSWORD, MASTODON_TOKEN, FakeBluesky, FakeMastodon

TEXT = "Bộ Ngoại giao Việt Nam chúc mừng Quốc khánh."


def _mastodon(server: FakeMastodon, token: str = MASTODON_TOKEN) -> MastodonConnector:
    return MastodonConnector(base_url=server.base_url, access_token=token, timeout=5)


def _bluesky(server: FakeBluesky, password: str = BLUESKY_PASSWORD) -> BlueskyConnector:
    return BlueskyConnector(
        base_url=server.base_url, identifier=server.handle, app_password=password, web_base=server.base_url
    )


def test_mastodon_publishes_fetches_back_and_reports_the_instance_limit(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.max_characters = 640
    connector = _mastodon(fake_mastodon)
    assert connector.max_characters() == 640
    published = connector.publish(text=TEXT, language="vi", idempotency_key="k1")
    assert published.url == f"{fake_mastodon.base_url}/@mofa/{published.remote_id}"
    assert TEXT in published.text
    assert fake_mastodon.state.writes == 1


def test_mastodon_retry_after_a_dropped_response_does_not_double_post(fake_mastodon: FakeMastodon) -> None:
    connector = _mastodon(fake_mastodon)
    fake_mastodon.fail_next("drop")
    with pytest.raises(ConnectionFailed):
        connector.publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_mastodon.state.writes == 1  # it did go out
    published = connector.publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_mastodon.state.writes == 1
    assert published.remote_id in fake_mastodon.state.posts


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("429", RateLimited),
        ("500", PlatformUnavailable),
        ("malformed", MalformedResponse),
        ("401", CredentialsRejected),
    ],
)
def test_mastodon_errors_are_typed(fake_mastodon: FakeMastodon, fault: str, error: type[Exception]) -> None:
    fake_mastodon.fail_next(fault)
    with pytest.raises(error) as raised:
        _mastodon(fake_mastodon).publish(text=TEXT, language="vi", idempotency_key="k")
    assert fake_mastodon.state.writes == 0
    if fault == "429":
        assert isinstance(raised.value, RateLimited)
        assert raised.value.retry_after == 30


def test_mastodon_revoked_token_is_credentials_rejected(fake_mastodon: FakeMastodon) -> None:
    with pytest.raises(CredentialsRejected):
        _mastodon(fake_mastodon, token="wrong").publish(text=TEXT, language="vi", idempotency_key="k")


def test_mastodon_over_the_limit_is_rejected_not_retried(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.max_characters = 10
    with pytest.raises(Rejected) as raised:
        _mastodon(fake_mastodon).publish(text=TEXT, language="vi", idempotency_key="k")
    assert not raised.value.transient


def test_bluesky_publishes_under_the_given_record_key_and_fetches_back(fake_bluesky: FakeBluesky) -> None:
    rkey = tid_new()
    published = _bluesky(fake_bluesky).publish(text=TEXT, language="vi", idempotency_key=rkey)
    assert published.remote_id == f"at://{fake_bluesky.did}/app.bsky.feed.post/{rkey}"
    assert published.url == f"{fake_bluesky.base_url}/profile/{fake_bluesky.handle}/post/{rkey}"
    assert published.text == TEXT


def test_bluesky_retry_after_a_dropped_response_does_not_double_post(fake_bluesky: FakeBluesky) -> None:
    rkey = tid_new()
    fake_bluesky.fail_next("drop")
    with pytest.raises(ConnectionFailed):
        _bluesky(fake_bluesky).publish(text=TEXT, language="vi", idempotency_key=rkey)
    published = _bluesky(fake_bluesky).publish(text=TEXT, language="vi", idempotency_key=rkey)
    assert fake_bluesky.state.writes == 1
    assert published.remote_id.endswith(rkey)


def test_bluesky_wrong_password_and_revoked_sessions_are_credentials_rejected(fake_bluesky: FakeBluesky) -> None:
    with pytest.raises(CredentialsRejected):
        _bluesky(fake_bluesky, password="revoked").publish(text=TEXT, language="vi", idempotency_key=tid_new())
    connector = _bluesky(fake_bluesky)
    connector.publish(text=TEXT, language="vi", idempotency_key=tid_new())
    fake_bluesky.revoke_sessions()
    with pytest.raises(CredentialsRejected):
        connector.publish(text=TEXT, language="vi", idempotency_key=tid_new())


def test_bluesky_429_carries_retry_after(fake_bluesky: FakeBluesky) -> None:
    fake_bluesky.fail_next("429")
    with pytest.raises(RateLimited) as raised:
        _bluesky(fake_bluesky).publish(text=TEXT, language="vi", idempotency_key=tid_new())
    assert raised.value.retry_after == 30
    assert fake_bluesky.state.writes == 0


def test_tid_is_13_sortable_characters() -> None:
    first = tid_new(micros=1_700_000_000_000_000, clock_id=0)
    later = tid_new(micros=1_700_000_000_000_001, clock_id=0)
    assert len(first) == 13
    assert first < later


def test_an_unknown_platform_has_no_publishing_connector() -> None:
    with pytest.raises(NotImplementedConnector):
        connector_for("myspace", base_url="https://example.invalid", credentials={})


def test_a_closed_port_is_connection_failed() -> None:
    server = FakeMastodon()
    url = server.base_url
    server.server_close()
    with pytest.raises(ConnectionFailed):
        MastodonConnector(base_url=url, access_token="t", timeout=2).publish(
            text="x", language="en", idempotency_key="k"
        )
