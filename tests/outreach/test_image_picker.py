"""The draft page's image picker: the unit's Unclassified vault images, thumbnails through the vault's checks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach.image_picker import vault_image_list
from chancery.platform.enums import TLP, Classification
from chancery.vault import services as vault_services
from tests.conftest import actor_of
from tests.outreach.factories import press_officer, user
from tests.outreach.media_helpers import jpeg_with_gps, png_with_text, vault_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vault_paths(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"


def text_note(author: Any) -> Any:
    """Upload an Unclassified text document (not an image) as ``author``."""
    fields = vault_services.DocumentFields(
        title_en="Note", title_vi="Ghi chú", classification=Classification.UNCLASSIFIED, tlp=TLP.CLEAR
    )
    upload = vault_services.upload_from_bytes(b"plain words", name="note.txt", content_type="text/plain")
    return vault_services.document_upload(actor=actor_of(author), fields=fields, upload=upload)


def _browser(person: Any) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def test_only_the_units_unclassified_images_are_offered(
    ministry: Organisation, mission_paris: Organisation, django_assert_max_num_queries: Any
) -> None:
    author = press_officer(ministry)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    drawing = vault_image(actor_of(author), png_with_text(), name="map.png", content_type="image/png")
    vault_image(actor_of(author), jpeg_with_gps(), classification=Classification.INTERNAL)
    text_note(author)
    paris = press_officer(mission_paris, "paris")
    vault_image(actor_of(paris), jpeg_with_gps())
    with django_assert_max_num_queries(4):  # the same few queries whatever the number of images
        offered = vault_image_list(actor=actor_of(author))
    assert {image.document_id for image in offered} == {photo.pk, drawing.pk}
    assert {image.title for image in offered} == {"Photo"}


def test_the_draft_page_offers_a_picker_that_works_without_javascript(ministry: Organisation) -> None:
    author = press_officer(ministry)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    page = _browser(author).get("/outreach/new/").content.decode()
    assert 'id="image-picker"' in page
    assert f'src="/outreach/images/{photo.pk}/thumbnail/"' in page
    assert 'alt="Photo"' in page
    assert '<select name="image_1"' in page
    assert f'<option value="{photo.pk}">No. {photo.pk}: Photo</option>' in page
    # After a preview the chosen image stays selected and its thumbnail shows in its slot.
    chosen = (
        _browser(author)
        .post(
            "/outreach/new/",
            {
                "title": "T",
                "text_vi": "Xin chào",
                "text_en": "Hello",
                "scheduled_for": "2026-01-01T08:00",
                "image_2": str(photo.pk),
                "preview": "1",
            },
        )
        .content.decode()
    )
    assert f'<option value="{photo.pk}" selected>No. {photo.pk}: Photo</option>' in chosen
    assert 'class="image-chosen"' in chosen


def test_a_unit_without_images_is_told_where_to_upload(ministry: Organisation) -> None:
    page = _browser(press_officer(ministry)).get("/outreach/new/").content.decode()
    assert 'id="image-picker-empty"' in page
    assert 'href="/vault/upload/"' in page


def test_thumbnail_is_small_without_metadata_and_audited_by_the_vault(ministry: Organisation) -> None:
    author = press_officer(ministry)
    photo = vault_image(actor_of(author), jpeg_with_gps(width=640, height=480))
    answer = _browser(author).get(f"/outreach/images/{photo.pk}/thumbnail/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["Cache-Control"] == "private, max-age=600"
    with Image.open(io.BytesIO(answer.content)) as thumb:
        assert max(thumb.size) <= 240
        assert not thumb.getexif()  # no GPS position, no camera
    assert AuditEvent.objects.filter(
        action="vault.document_downloaded", object_id=str(photo.pk), outcome="success"
    ).exists()


def test_thumbnails_follow_the_vaults_and_outreachs_rules(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    photo = vault_image(actor_of(author), jpeg_with_gps())
    internal = vault_image(actor_of(author), jpeg_with_gps(), classification=Classification.INTERNAL)
    note = text_note(author)
    assert _browser(author).get(f"/outreach/images/{internal.pk}/thumbnail/").status_code == 404
    assert _browser(author).get(f"/outreach/images/{note.pk}/thumbnail/").status_code == 404
    assert _browser(author).get("/outreach/images/999999/thumbnail/").status_code == 404
    other_role = user("desk", Role.DESK_OFFICER, ministry)
    assert _browser(other_role).get(f"/outreach/images/{photo.pk}/thumbnail/").status_code == 403
    other_unit = press_officer(mission_paris, "paris")
    assert _browser(other_unit).get(f"/outreach/images/{photo.pk}/thumbnail/").status_code == 404
    assert Client().get(f"/outreach/images/{photo.pk}/thumbnail/").status_code == 302  # to the sign-in page
