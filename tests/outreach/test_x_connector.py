"""The X (API v2) connector against the local fake X: publish, fetch back, idempotency, limits and errors."""

from __future__ import annotations

import pytest

from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.content import ReplyTo
from chancery.outreach.connectors.errors import (
    ConnectionFailed,
    CredentialsRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)
from chancery.outreach.connectors.media import MediaFile, MediaRefused
from chancery.outreach.connectors.x import XConnector, comparable
from chancery.outreach.fake_platforms import FakeX
from tests.outreach.platform_fakes import fake_x

__all__ = ["fake_x"]

TEXT = "Bộ Ngoại giao Việt Nam chúc mừng Quốc khánh & Ngày Độc lập: https://mofa.gov.vn/tin-tuc/1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _x(server: FakeX, token: str | None = None) -> XConnector:
    return XConnector(
        base_url=server.base_url, access_token=token or server.token_new(), web_base=server.base_url, timeout=5
    )


def test_publishes_fetches_back_and_returns_the_status_url(fake_x: FakeX) -> None:
    published = _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="k1")
    assert published.url == f"{fake_x.base_url}/MOFAVietNam/status/{published.remote_id}"
    stored = fake_x.state.posts[published.remote_id]
    assert stored["text_sent"] == TEXT
    assert "https://t.co/" in published.text  # X rewrote the link; still recognised as the same post
    assert fake_x.state.writes == 1


def test_connector_for_builds_the_x_connector(fake_x: FakeX) -> None:
    connector = connector_for(
        "x", base_url=fake_x.base_url, credentials={"access_token": fake_x.token_new()}, web_base=fake_x.base_url
    )
    assert isinstance(connector, XConnector)
    assert connector.max_characters() is None


def test_retry_after_a_dropped_response_does_not_double_post(fake_x: FakeX) -> None:
    connector = _x(fake_x)
    fake_x.fail_next("drop")
    with pytest.raises(ConnectionFailed):
        connector.publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_x.state.writes == 1  # it went out, the answer was lost
    published = _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_x.state.writes == 1
    assert published.remote_id in fake_x.state.posts


def test_duplicate_refusal_is_resolved_to_the_existing_post(fake_x: FakeX, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="a")
    connector = _x(fake_x)
    calls = iter(["", first.remote_id])  # the first look-up misses (e.g. the timeline lags), X says duplicate
    monkeypatch.setattr(connector, "_already_posted", lambda _text: next(calls))
    again = connector.publish(text=TEXT, language="vi", idempotency_key="a")
    assert again.remote_id == first.remote_id
    assert fake_x.state.writes == 1


def test_reply_and_media_with_alt_text(fake_x: FakeX) -> None:
    connector = _x(fake_x)
    first = connector.publish(text="Phần 1/2", language="vi", idempotency_key="t1")
    image = MediaFile(data=PNG, mime_type="image/png", alt="Bộ trưởng phát biểu tại hội nghị")
    second = connector.publish(
        text="Phần 2/2",
        language="vi",
        idempotency_key="t2",
        media=[image],
        reply_to=ReplyTo(root_id=first.remote_id, parent_id=first.remote_id),
    )
    stored = fake_x.state.posts[second.remote_id]
    assert stored["reply_to"] == first.remote_id
    (media_id,) = stored["media_ids"]
    assert fake_x.state.media[media_id]["alt_text"] == "Bộ trưởng phát biểu tại hội nghị"


def test_image_without_alt_text_is_refused_before_any_request(fake_x: FakeX) -> None:
    with pytest.raises(MediaRefused):
        _x(fake_x).publish(
            text="x", language="en", idempotency_key="m", media=[MediaFile(data=PNG, mime_type="image/png", alt=" ")]
        )
    assert fake_x.state.writes == 0
    assert fake_x.state.media == {}


def test_over_the_weighted_limit_is_rejected_before_any_request(fake_x: FakeX) -> None:
    with pytest.raises(Rejected) as raised:
        _x(fake_x).publish(text="ệ" * 141, language="vi", idempotency_key="long")  # 141 x weight 2 = 282
    assert "282/280" in raised.value.message
    assert fake_x.state.writes == 0


def test_rate_limit_uses_the_reset_header(fake_x: FakeX) -> None:
    fake_x.reset_in = 120
    fake_x.fail_next("429")
    connector = _x(fake_x)
    with pytest.raises(RateLimited) as raised:
        connector.publish(text=TEXT, language="vi", idempotency_key="k")
    assert raised.value.retry_after is not None
    assert 100 <= raised.value.retry_after <= 120
    assert connector.rate_limit.remaining == 0
    assert fake_x.state.writes == 0


@pytest.mark.parametrize(
    ("fault", "error"),
    [("500", PlatformUnavailable), ("malformed", MalformedResponse), ("401", CredentialsRejected)],
)
def test_errors_are_typed_and_nothing_is_posted(fake_x: FakeX, fault: str, error: type[Exception]) -> None:
    fake_x.fail_next(fault)
    with pytest.raises(error):
        _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="k")
    assert fake_x.state.writes == 0


def test_expired_token_is_credentials_rejected(fake_x: FakeX) -> None:
    connector = _x(fake_x)
    fake_x.auth.expire_all()
    with pytest.raises(CredentialsRejected) as raised:
        connector.publish(text=TEXT, language="vi", idempotency_key="k")
    assert "re-authorise" in raised.value.message


def test_comparable_undoes_what_x_does_to_a_text() -> None:
    assert comparable("A &amp; B https://t.co/abc") == comparable("A & B https://example.org/long/path")
    assert comparable("Vie\u0323\u0302t") == comparable("Việt")


def test_an_old_post_with_the_same_text_is_not_taken_for_this_one(fake_x: FakeX) -> None:
    old = _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="old")
    fake_x.state.posts[old.remote_id]["created_at"] = "2020-01-01T00:00:00.000Z"
    with pytest.raises(Rejected) as raised:  # X refuses the duplicate; it is not reported as published
        _x(fake_x).publish(text=TEXT, language="vi", idempotency_key="new")
    assert "duplicate content" in raised.value.message
    assert fake_x.state.writes == 1
