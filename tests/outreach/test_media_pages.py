"""The draft page with a thread, images and a link card: previews, clear errors, the post page, editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chancery.missions.models import Organisation
from chancery.outreach.content_models import PostLinkCard, PostMedia, PostPart
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post
from tests.conftest import actor_of
from tests.outreach.factories import TEXT_EN, TEXT_VI, accounts_on_fakes, press_officer
from tests.outreach.media_helpers import jpeg_with_gps, page_server, vault_image

pytestmark = pytest.mark.django_db(transaction=True)
ALT_VI = "Quốc kỳ Việt Nam tung bay trước trụ sở Bộ."
ALT_EN = "The flag of Viet Nam flies in front of the Ministry."
PAGE = (
    b'<html><head><meta property="og:title" content="Press release">'
    b'<meta property="og:description" content="On cooperation"></head></html>'
)


@pytest.fixture(autouse=True)
def _vault_paths(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"
    settings.INTEL_FETCH_ALLOWLIST = ["127.0.0.1"]


def test_draft_with_thread_image_and_card(
    ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = press_officer(ministry)
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    browser = Client()
    browser.force_login(author)
    with page_server() as site:
        site.pages["/release"] = ("text/html", PAGE)
        form = {
            "title": "Hợp tác",
            "text_vi": TEXT_VI,
            "text_en": TEXT_EN,
            "accounts": [str(a.pk) for a in accounts],
            "scheduled_for": "2026-01-01T08:00",
            "thread_vi": "Phần hai.\n---\nPhần ba.",
            "thread_en": "Part two.\n---\n" + "Too long for Bluesky. " * 20,
            "image_1": str(photo.pk),
            "image_1_alt_vi": ALT_VI,
            "image_1_alt_en": "",
            "link_url": f"{site.base_url}/release",
        }
        preview = browser.post("/outreach/new/", {**form, "preview": "1"})
        body = preview.content.decode()
        assert preview.status_code == 200
        assert "Thread, images and link card" in body
        assert "Image 1 needs alt text in Vietnamese and in English" in body
        assert "Part 3 (en) is too long for bluesky" in body

        refused = browser.post("/outreach/new/", {**form, "save": "1"})
        assert refused.status_code == 400
        assert not Post.objects.exists()

        fixed = {**form, "image_1_alt_en": ALT_EN, "thread_en": "Part two.\n---\nPart three."}
        preview = browser.post("/outreach/new/", {**fixed, "preview": "1"}).content.decode()
        assert "Press release" in preview  # the card
        assert 'id="card-preview"' in preview
        assert "Fits" in preview
        mismatched = browser.post("/outreach/new/", {**fixed, "thread_en": "Only one part.", "save": "1"})
        assert "same number of thread parts" in mismatched.content.decode()

        saved = browser.post("/outreach/new/", {**fixed, "save": "1"})
        assert saved.status_code == 302
    post = Post.objects.get()
    assert [p.text_en for p in PostPart.objects.filter(post=post)] == ["Part two.", "Part three."]
    assert PostMedia.objects.get(post=post).alt_en == ALT_EN
    assert PostLinkCard.objects.get(post=post).title == "Press release"

    page = browser.get(f"/outreach/{post.pk}/").content.decode()
    assert "Part three." in page
    assert ALT_VI in page
    assert "Press release" in page
    edit = browser.get(f"/outreach/{post.pk}/edit/").content.decode()
    assert "Phần hai.\n---\nPhần ba." in edit
    assert ALT_EN in edit
    # Saving again unchanged keeps the card and the image without fetching anything (the site is gone).
    again = browser.post(f"/outreach/{post.pk}/edit/", {**fixed, "save": "1"})
    assert again.status_code == 302
    post.refresh_from_db()
    assert post.revision == 1
