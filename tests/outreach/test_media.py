"""Images with alt text: uploaded to the fake Mastodon (/api/v2/media) and Bluesky (uploadBlob), refused
without alt text before anything is sent."""

from __future__ import annotations

import pytest

from chancery.outreach.connectors.bluesky import BlueskyConnector
from chancery.outreach.connectors.mastodon import MastodonConnector
from chancery.outreach.connectors.media import MediaFile, MediaRefused
from chancery.outreach.fake_servers import BLUESKY_PASSWORD, MASTODON_TOKEN, FakeBluesky, FakeMastodon

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALT_VI = "Bộ trưởng Ngoại giao bắt tay người đồng cấp tại Hà Nội."
ALT_EN = "The Foreign Minister shakes hands with his counterpart in Hanoi."
TEXT = "Bộ Ngoại giao Việt Nam chúc mừng Quốc khánh."


def _mastodon(server: FakeMastodon) -> MastodonConnector:
    return MastodonConnector(base_url=server.base_url, access_token=MASTODON_TOKEN, timeout=5)


def _bluesky(server: FakeBluesky) -> BlueskyConnector:
    return BlueskyConnector(
        base_url=server.base_url, identifier=server.handle, app_password=BLUESKY_PASSWORD, web_base=server.base_url
    )


def test_mastodon_uploads_image_with_description(fake_mastodon: FakeMastodon) -> None:
    published = _mastodon(fake_mastodon).publish(
        text=TEXT, language="vi", idempotency_key="m1", media=[MediaFile(PNG, "image/png", ALT_VI)]
    )
    status = fake_mastodon.state.posts[published.remote_id]
    assert [m["description"] for m in status["media_attachments"]] == [ALT_VI]
    assert status["media_attachments"][0]["size"] == len(PNG)


def test_bluesky_embeds_uploaded_blob_with_alt(fake_bluesky: FakeBluesky) -> None:
    published = _bluesky(fake_bluesky).publish(
        text="The Ministry congratulates.",
        language="en",
        idempotency_key="3kabcdefghijk",
        media=[MediaFile(PNG, "image/png", ALT_EN), MediaFile(PNG, "image/jpeg", ALT_EN + " 2")],
    )
    record = fake_bluesky.state.posts[published.remote_id]["value"]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert [image["alt"] for image in record["embed"]["images"]] == [ALT_EN, ALT_EN + " 2"]
    assert all(image["image"]["ref"]["$link"] in fake_bluesky.state.media for image in record["embed"]["images"])


@pytest.mark.parametrize(
    ("media", "reason"),
    [
        ([MediaFile(PNG, "image/png", "  ")], "no alt text"),
        ([MediaFile(PNG, "application/pdf", ALT_EN)], "not a PNG"),
        ([MediaFile(PNG, "image/png", "x" * 1501)], "longer than 1500"),
        ([MediaFile(PNG, "image/png", ALT_EN)] * 5, "at most 4"),
        ([MediaFile(b"", "image/png", ALT_EN)], "empty"),
    ],
)
def test_media_refused_before_anything_is_sent(
    fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky, media: list[MediaFile], reason: str
) -> None:
    with pytest.raises(MediaRefused, match=reason) as caught:
        _mastodon(fake_mastodon).publish(text=TEXT, language="vi", idempotency_key="m2", media=media)
    assert not caught.value.transient  # a user's fix is needed, never retried
    with pytest.raises(MediaRefused, match=reason):
        _bluesky(fake_bluesky).publish(text=TEXT, language="en", idempotency_key="3kbbbbbbbbbbb", media=media)
    assert fake_mastodon.state.media == {}
    assert fake_mastodon.state.writes == 0
    assert fake_bluesky.state.media == {}
    assert fake_bluesky.state.writes == 0


def test_bluesky_image_over_one_megabyte_refused(fake_bluesky: FakeBluesky) -> None:
    big = MediaFile(PNG + b"\x00" * 1_000_000, "image/png", ALT_EN)
    with pytest.raises(MediaRefused, match="larger than 1000000"):
        _bluesky(fake_bluesky).publish(text=TEXT, language="en", idempotency_key="3kccccccccccc", media=[big])


def test_fake_bluesky_refuses_embed_without_alt_like_the_lexicon(fake_bluesky: FakeBluesky) -> None:
    """The fake enforces the lexicon too, so a connector that forgot ``alt`` would fail here."""
    import httpx

    session = httpx.post(
        f"{fake_bluesky.base_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": fake_bluesky.handle, "password": BLUESKY_PASSWORD},
    ).json()
    record = {
        "$type": "app.bsky.feed.post",
        "text": "x",
        "createdAt": "2026-11-27T00:00:00Z",
        "embed": {"$type": "app.bsky.embed.images", "images": [{"image": {"ref": {"$link": "nope"}}}]},
    }
    answer = httpx.post(
        f"{fake_bluesky.base_url}/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
    )
    assert answer.status_code == 400
    assert "alt" in answer.json()["message"]
