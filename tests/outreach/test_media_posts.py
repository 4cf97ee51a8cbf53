"""Images from the vault on posts: metadata stripped, alt text in both languages, per-platform limits,
published on the fake Mastodon and Bluesky servers; bad input refused with the field, nothing stored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.content import MediaIn
from chancery.outreach.content_models import PostMedia
from chancery.outreach.enums import PostState, TargetState
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.media import ImageUnusable, image_clean
from chancery.outreach.models import Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput
from chancery.vault.images import image_type
from tests.conftest import actor_of
from tests.outreach.factories import accounts_on_fakes, draft, press_officer, two_step_workflow, user
from tests.outreach.media_helpers import jpeg_with_gps, noisy_png, png_with_text, vault_image

SYSTEM = Actor.system(purpose="outreach.publish")
ALT_VI = "Bộ trưởng Ngoại giao bắt tay người đồng cấp tại Hà Nội."
ALT_EN = "The Foreign Minister shakes hands with his counterpart in Hanoi."


@pytest.fixture(autouse=True)
def _vault_paths(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"


# --- Cleaning (pure) ------------------------------------------------------------------------------------


def test_jpeg_loses_exif_gps_and_comment_and_is_turned_upright() -> None:
    original = jpeg_with_gps(64, 48, orientation=6)  # "rotate 90° clockwise to display"
    assert b"SecretCam" in original
    clean = image_clean(original)
    assert clean.mime_type == "image/jpeg"
    assert b"SecretCam" not in clean.data
    assert b"residence" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}
        assert image.size == (48, 64)  # upright now that the orientation tag is gone
    assert (clean.width, clean.height) == (48, 64)


def test_png_loses_text_chunks_and_keeps_pixels() -> None:
    original = png_with_text()
    clean = image_clean(original)
    assert b"Ba Dinh" in original
    assert b"Ba Dinh" not in clean.data
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(clean.data)) as after:
        assert before.tobytes() == after.tobytes()


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"GIF89a\x01"])
def test_unusable_images_are_refused(data: bytes) -> None:
    with pytest.raises(ImageUnusable):
        image_clean(data)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP"]),
    st.binary(max_size=400),
)
def test_arbitrary_bytes_never_crash_the_cleaner(prefix: bytes, data: bytes) -> None:
    try:
        clean = image_clean(prefix + data)
    except ImageUnusable:
        return
    assert image_type(clean.data[:16]) == clean.mime_type


# --- Posts with images ----------------------------------------------------------------------------------


@pytest.fixture
def team(ministry: Organisation) -> dict[str, Any]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


def _approve(team: dict[str, Any], post: Post) -> Post:
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        post = services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    return post


@pytest.mark.django_db(transaction=True)
def test_image_from_vault_published_on_both_platforms_without_metadata(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    post = draft(author, accounts, media=[MediaIn(document_id=photo.pk, alt_vi=ALT_VI, alt_en=ALT_EN)])
    stored = PostMedia.objects.get(post=post)
    assert b"SecretCam" not in bytes(stored.data)
    assert (stored.alt_vi, stored.alt_en) == (ALT_VI, ALT_EN)
    post = _approve(team, post)
    assert post.state == PostState.APPROVED

    assert posts_publish_due(actor=SYSTEM) == 2
    targets = {t.account.platform: t for t in post.targets.select_related("account")}
    assert all(t.state == TargetState.PUBLISHED for t in targets.values())
    status = fake_mastodon.state.posts[targets["mastodon"].remote_id]
    assert [m["description"] for m in status["media_attachments"]] == [ALT_VI]  # Vietnamese account
    assert status["media_attachments"][0]["size"] == stored.size
    record = fake_bluesky.state.posts[targets["bluesky"].remote_id]["value"]
    assert [image["alt"] for image in record["embed"]["images"]] == [ALT_EN]  # English account


@pytest.mark.django_db(transaction=True)
def test_changing_alt_text_expires_the_approvals(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    media = [MediaIn(document_id=photo.pk, alt_vi=ALT_VI, alt_en=ALT_EN)]
    post = _approve(team, draft(author, accounts, media=media))
    assert post.state == PostState.APPROVED
    content = services.PostIn(
        title=post.title,
        text_vi=post.text_vi,
        text_en=post.text_en,
        account_ids=[a.pk for a in accounts],
        scheduled_for=post.scheduled_for,
        media=[MediaIn(document_id=photo.pk, alt_vi=ALT_VI, alt_en=ALT_EN + " Both smile.")],
    )
    post = services.post_update(actor=actor_of(author), post_id=post.pk, content=content)
    assert post.state == PostState.IN_APPROVAL
    assert post.revision == 2
    assert PostMedia.objects.get(post=post).alt_en.endswith("Both smile.")


def _refused(author: Any, accounts: list[Any], media: list[MediaIn]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        draft(author, accounts, media=media)
    assert not Post.objects.exists()
    assert not PostMedia.objects.exists()
    return caught.value


@pytest.mark.django_db(transaction=True)
def test_missing_alt_text_refused(team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    error = _refused(author, accounts, [MediaIn(document_id=photo.pk, alt_vi=ALT_VI, alt_en="  ")])
    assert "alt text in Vietnamese and in English" in error.errors["media"][0]


@pytest.mark.django_db(transaction=True)
def test_too_many_images_refused(team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    photos = [vault_image(actor_of(author), jpeg_with_gps(10 + i, 10)) for i in range(5)]
    error = _refused(author, accounts, [MediaIn(p.pk, ALT_VI, ALT_EN) for p in photos])
    assert error.errors["media"] == ["At most 4 images per post."]


@pytest.mark.django_db(transaction=True)
def test_image_over_blueskys_size_refused_for_bluesky_only(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    mastodon, bluesky = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    big = vault_image(actor_of(author), noisy_png(), name="noise.png", content_type="image/png")
    media = [MediaIn(big.pk, ALT_VI, ALT_EN)]
    error = _refused(author, [mastodon, bluesky], media)
    assert "bluesky accepts at most 1,000,000" in error.errors["media"][0]
    assert draft(author, [mastodon], media=media).media.count() == 1  # Mastodon takes 10 MiB


@pytest.mark.django_db(transaction=True)
def test_classified_or_foreign_or_non_image_documents_refused(
    team: dict[str, Any], ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    internal = vault_image(actor_of(author), jpeg_with_gps(), classification=Classification.INTERNAL)
    error = _refused(author, accounts, [MediaIn(internal.pk, ALT_VI, ALT_EN)])
    assert "only documents marked Unclassified" in error.errors["media"][0]
    note = vault_image(actor_of(author), b"A note.", name="note.txt", content_type="text/plain")
    error = _refused(author, accounts, [MediaIn(note.pk, ALT_VI, ALT_EN)])
    assert "not an image" in error.errors["media"][0]
    error = _refused(author, accounts, [MediaIn(999_999, ALT_VI, ALT_EN)])
    assert "no vault document you may download" in error.errors["media"][0]


@pytest.mark.django_db(transaction=True)
def test_vault_accepts_images_and_refuses_damaged_ones(team: dict[str, Any]) -> None:
    actor = actor_of(team["author"])
    document = vault_image(actor, png_with_text(), name="flag.png", content_type="image/png")
    assert document.versions.get().mime_type == "image/png"
    with pytest.raises(InvalidInput, match="image is damaged"):
        vault_image(actor, jpeg_with_gps()[:200], name="cut.jpg")
    with pytest.raises(InvalidInput, match="name ends in"):
        vault_image(actor, png_with_text(), name="flag.jpg", content_type="image/png")
