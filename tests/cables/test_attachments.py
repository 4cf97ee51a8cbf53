"""Attachments from the vault: the drafter attaches what they may read; readers see what the vault allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chancery.cables import sealing
from chancery.cables.models import Cable
from chancery.cables.selectors import cable_view
from chancery.cables.services import cable_create
from chancery.cables.tlog_records import cable_canonical
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput
from chancery.vault import services as vault_services
from chancery.vault.models import Document
from tests.cables.conftest import content
from tests.cables.test_api import session
from tests.conftest import actor_of
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vault_blobs(settings: Any, tmp_path: Path) -> Any:
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM vault_search")


@pytest.fixture
def memo(drafter: User) -> Document:
    return upload(actor_of(drafter), b"talking points", title_en="Talking points")


def test_drafter_cannot_attach_what_they_may_not_read(drafter: User, outsider: User) -> None:
    theirs = upload(actor_of(outsider), b"berlin only")
    with pytest.raises(InvalidInput) as refused:
        cable_create(actor=actor_of(drafter), content=content(attachment_ids=[theirs.pk]))
    assert "attachment_ids" in refused.value.errors
    assert Cable.objects.count() == 0


def test_attachment_marked_higher_than_the_cable_is_refused(drafter: User) -> None:
    secret = upload(actor_of(drafter), b"secret", classification=Classification.SECRET)
    with pytest.raises(InvalidInput) as refused:
        cable_create(actor=actor_of(drafter), content=content(attachment_ids=[secret.pk]))
    assert "attachment_ids" in refused.value.errors


def test_readers_see_an_attachment_only_if_the_vault_lets_them(
    drafter: User, recipient: User, memo: Document, make_released: Any
) -> None:
    cable = make_released(attachment_ids=[memo.pk])
    own = cable_view(actor=actor_of(drafter), cable_id=cable.pk)
    assert [a.document_id for a in own.attachments] == [memo.pk]
    assert own.hidden_attachments == 0
    # The Paris recipient reads the cable but the document is not shared with Paris.
    theirs = cable_view(actor=actor_of(recipient), cable_id=cable.pk)
    assert theirs.attachments == []
    assert theirs.hidden_attachments == 1
    page = session(recipient).get(f"/cables/{cable.pk}/").content.decode()
    assert f'href="/vault/{memo.pk}/"' not in page
    assert 'id="attachments-heading"' in page
    # Once the vault shares it with Paris, the recipient sees it.
    vault_services.share_create(actor=actor_of(drafter), document_id=memo.pk, organisation_code="emb-paris")
    shared = cable_view(actor=actor_of(recipient), cable_id=cable.pk)
    assert [a.document_id for a in shared.attachments] == [memo.pk]
    assert f'href="/vault/{memo.pk}/"' in session(recipient).get(f"/cables/{cable.pk}/").content.decode()


def test_canonical_form_includes_the_attached_version_hash(drafter: User, memo: Document, make_released: Any) -> None:
    cable = make_released(attachment_ids=[memo.pk])
    version = memo.versions.get()
    key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
    canonical = cable_canonical(cable, key)
    assert canonical.document["attachments"] == [{"document_id": memo.pk, "version": 1, "sha256": version.sha256}]
    assert cable.content_sha256 == canonical.sha256
    # A different attached version would give a different digest.
    changed = dict(canonical.document, attachments=[{"document_id": memo.pk, "version": 2, "sha256": "0" * 64}])
    from chancery.cables.content import canonical_sha256

    assert canonical_sha256(changed) != canonical.sha256


def test_api_lists_visible_attachments(drafter: User, recipient: User, memo: Document, make_released: Any) -> None:
    cable = make_released(attachment_ids=[memo.pk])
    mine = session(drafter).get(f"/api/v1/cables/{cable.pk}").json()
    assert mine["attachments"] == [{"document_id": memo.pk, "version": 1, "sha256": memo.versions.get().sha256}]
    theirs = session(recipient).get(f"/api/v1/cables/{cable.pk}").json()
    assert theirs["attachments"] == []
    assert theirs["hidden_attachments"] == 1
