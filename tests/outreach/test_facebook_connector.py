"""The Facebook Pages (Graph API) connector against the local fake: publish, fetch back, idempotency, errors."""

from __future__ import annotations

import pytest

from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.content import LinkCard, ReplyTo
from chancery.outreach.connectors.errors import (
    ConnectionFailed,
    CredentialsRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)
from chancery.outreach.connectors.facebook import FacebookConnector
from chancery.outreach.connectors.media import MediaFile, MediaRefused
from chancery.outreach.fake_platforms import FakeFacebook
from tests.outreach.platform_fakes import fake_facebook

__all__ = ["fake_facebook"]

TEXT = "Bộ Ngoại giao Việt Nam thông báo lịch họp báo thường kỳ: https://mofa.gov.vn/hop-bao"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fb(server: FakeFacebook, token: str | None = None) -> FacebookConnector:
    return FacebookConnector(
        base_url=server.graph_url, page_id=server.page_id, page_access_token=token or server.page_token, timeout=5
    )


def test_publishes_with_a_link_card_and_fetches_back_the_permalink(fake_facebook: FakeFacebook) -> None:
    connector = connector_for(
        "facebook",
        base_url=fake_facebook.graph_url,
        credentials={"page_id": fake_facebook.page_id, "page_access_token": fake_facebook.page_token},
    )
    published = connector.publish(text=TEXT, language="vi", idempotency_key="k")
    stored = fake_facebook.state.posts[published.remote_id]
    assert stored["link"] == "https://mofa.gov.vn/hop-bao"
    assert published.url == stored["permalink_url"]
    assert published.text == TEXT
    assert fake_facebook.state.writes == 1


def test_retry_after_a_dropped_response_does_not_double_post(fake_facebook: FakeFacebook) -> None:
    fake_facebook.fail_next("drop")
    with pytest.raises(ConnectionFailed):
        _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_facebook.state.writes == 1
    published = _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="same")
    assert fake_facebook.state.writes == 1
    assert published.remote_id in fake_facebook.state.posts


def test_duplicate_error_506_is_resolved_to_the_existing_post(
    fake_facebook: FakeFacebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="a")
    connector = _fb(fake_facebook)
    answers = iter(["", first.remote_id])
    monkeypatch.setattr(connector, "_already_posted", lambda _text: next(answers))
    assert connector.publish(text=TEXT, language="vi", idempotency_key="a").remote_id == first.remote_id
    assert fake_facebook.state.writes == 1


def test_images_are_uploaded_unpublished_with_alt_text(fake_facebook: FakeFacebook) -> None:
    image = MediaFile(data=PNG, mime_type="image/png", alt="Quang cảnh họp báo")
    published = _fb(fake_facebook).publish(text="Họp báo", language="vi", idempotency_key="m", media=[image])
    (photo_id,) = fake_facebook.state.posts[published.remote_id]["attached_media"]
    assert fake_facebook.state.media[photo_id] == {"alt_text_custom": "Quang cảnh họp báo", "published": "false"}


def test_image_without_alt_text_is_refused_before_any_request(fake_facebook: FakeFacebook) -> None:
    with pytest.raises(MediaRefused):
        _fb(fake_facebook).publish(
            text="x", language="en", idempotency_key="m", media=[MediaFile(data=PNG, mime_type="image/png", alt="")]
        )
    assert fake_facebook.state.media == {}


def test_over_63206_characters_is_rejected_before_any_request(fake_facebook: FakeFacebook) -> None:
    with pytest.raises(Rejected) as raised:
        _fb(fake_facebook).publish(text="a" * 63207, language="en", idempotency_key="long")
    assert "63207/63206" in raised.value.message
    assert fake_facebook.state.writes == 0


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        ("429", RateLimited, "32"),
        ("limit4", RateLimited, "4"),
        ("500", PlatformUnavailable, "2"),
        ("401", CredentialsRejected, "190"),
        ("malformed", MalformedResponse, ""),
    ],
)
def test_graph_errors_are_mapped(fake_facebook: FakeFacebook, fault: str, error: type[Exception], code: str) -> None:
    fake_facebook.fail_next(fault)
    with pytest.raises(error) as raised:
        _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="k")
    assert fake_facebook.state.writes == 0
    if code:
        assert f"Graph API error {code}" in str(raised.value)


def test_revoked_page_token_is_credentials_rejected(fake_facebook: FakeFacebook) -> None:
    fake_facebook.revoked = True
    with pytest.raises(CredentialsRejected) as raised:
        _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="k")
    assert "re-authorise" in raised.value.message


def test_an_old_post_with_the_same_text_is_not_taken_for_this_one(fake_facebook: FakeFacebook) -> None:
    old = _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="old")
    fake_facebook.state.posts[old.remote_id]["created_unix"] -= 3 * 24 * 3600
    with pytest.raises(Rejected) as raised:  # the Graph API refuses the duplicate (506); not reported as published
        _fb(fake_facebook).publish(text=TEXT, language="vi", idempotency_key="new")
    assert "Graph API error 506" in raised.value.message
    assert fake_facebook.state.writes == 1


def test_a_thread_part_is_refused_and_a_card_sets_the_link(fake_facebook: FakeFacebook) -> None:
    with pytest.raises(Rejected):
        _fb(fake_facebook).publish(
            text="Phần 2", language="vi", idempotency_key="t", reply_to=ReplyTo(root_id="1_2", parent_id="1_2")
        )
    card = LinkCard(url="https://mofa.gov.vn/en/news", title="News", description="")
    published = _fb(fake_facebook).publish(text="Tin mới", language="vi", idempotency_key="c", card=card)
    assert fake_facebook.state.posts[published.remote_id]["link"] == "https://mofa.gov.vn/en/news"
    assert fake_facebook.state.writes == 1
