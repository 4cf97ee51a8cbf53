"""Three users (allowed, other mission, partner) and a cleared officer see exactly what they should."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chancery.identity.models import User
from chancery.platform import access
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.vault import search, selectors, services
from chancery.vault.models import Document
from tests.conftest import actor_of
from tests.vault.helpers import download, upload

pytestmark = pytest.mark.django_db(transaction=True)


def visible_ids(user: User) -> set[int]:
    return set(selectors.document_list(actor=actor_of(user)).values_list("pk", flat=True))


def found_ids(user: User, query: str) -> set[int]:
    return set(search.document_search_queryset(actor=actor_of(user), query=query).values_list("pk", flat=True))


def test_listing_search_and_download_for_three_users(
    desk_officer: User, other_mission_officer: User, partner_user: User, partner_org: Any
) -> None:
    owner = actor_of(desk_officer)
    internal = upload(owner, "hiệp định thương mại tự do".encode(), title_en="Free trade agreement")
    red = upload(owner, "hiệp định bí mật".encode(), tlp=TLP.RED)
    services.share_create(actor=owner, document_id=internal.pk, organisation_code=partner_org.code)
    with pytest.raises(InvalidInput, match="never shared"):
        services.share_create(actor=owner, document_id=red.pk, organisation_code=partner_org.code)

    assert visible_ids(desk_officer) == {internal.pk, red.pk}
    assert visible_ids(other_mission_officer) == set()
    assert visible_ids(partner_user) == {internal.pk}

    assert found_ids(desk_officer, "hiep dinh") == {internal.pk, red.pk}
    assert found_ids(other_mission_officer, "hiep dinh") == set()
    assert found_ids(partner_user, "hiep dinh") == {internal.pk}
    assert found_ids(partner_user, "bi mat") == set()

    assert download(actor_of(partner_user), internal) == "hiệp định thương mại tự do".encode()
    for user, document in ((partner_user, red), (other_mission_officer, internal)):
        with pytest.raises(NotFound):
            download(actor_of(user), document)
        with pytest.raises(NotFound):
            services.document_open(actor=actor_of(user), document_id=document.pk)


def test_rules_agree_with_the_listing_filter(
    desk_officer: User, other_mission_officer: User, partner_user: User, cleared_officer: User, partner_org: Any
) -> None:
    owner = actor_of(cleared_officer)
    documents = [
        upload(owner, b"a", classification=Classification.UNCLASSIFIED, tlp=TLP.CLEAR),
        upload(owner, b"b", classification=Classification.INTERNAL),
        upload(owner, b"c", classification=Classification.CONFIDENTIAL),
        upload(owner, b"d", classification=Classification.SECRET, tlp=TLP.RED),
    ]
    services.share_create(actor=owner, document_id=documents[0].pk, organisation_code=partner_org.code)
    services.share_create(actor=owner, document_id=documents[2].pk, username=other_mission_officer.username)
    for user in (desk_officer, other_mission_officer, partner_user, cleared_officer):
        actor = actor_of(user)
        by_rule = {d.pk for d in Document.objects.all() if access.can(actor, "vault.view", d)}
        assert by_rule == visible_ids(user), user.username
    assert visible_ids(desk_officer) == {documents[0].pk, documents[1].pk}  # same unit, up to INTERNAL
    assert visible_ids(other_mission_officer) == set()  # shared CONFIDENTIAL, but cleared only to INTERNAL
    assert visible_ids(partner_user) == {documents[0].pk}
    assert visible_ids(cleared_officer) == {d.pk for d in documents}


def test_expired_and_revoked_shares_stop_access(desk_officer: User, other_mission_officer: User) -> None:
    owner = actor_of(desk_officer)
    document = upload(owner)
    share = services.share_create(actor=owner, document_id=document.pk, username=other_mission_officer.username)
    assert visible_ids(other_mission_officer) == {document.pk}
    with pytest.raises(Conflict):
        services.share_create(actor=owner, document_id=document.pk, username=other_mission_officer.username)
    services.share_revoke(actor=owner, share_id=share.pk)
    assert visible_ids(other_mission_officer) == set()
    with pytest.raises(Conflict):
        services.share_revoke(actor=owner, share_id=share.pk)
    expiring = services.share_create(
        actor=owner,
        document_id=document.pk,
        username=other_mission_officer.username,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert visible_ids(other_mission_officer) == {document.pk}
    type(expiring).objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert visible_ids(other_mission_officer) == set()
    with pytest.raises(InvalidInput, match="future"):
        services.share_create(
            actor=owner,
            document_id=document.pk,
            username=other_mission_officer.username,
            expires_at=timezone.now() - timedelta(days=1),
        )


def test_only_the_owning_unit_shares_edits_and_partners_never_write(
    desk_officer: User, other_mission_officer: User, partner_user: User, partner_org: Any
) -> None:
    owner = actor_of(desk_officer)
    document = upload(owner)
    services.share_create(actor=owner, document_id=document.pk, username=other_mission_officer.username)
    services.share_create(actor=owner, document_id=document.pk, organisation_code=partner_org.code)
    for user in (other_mission_officer, partner_user):
        with pytest.raises(PermissionDenied):
            services.share_create(actor=actor_of(user), document_id=document.pk, username=desk_officer.username)
        with pytest.raises(PermissionDenied):
            services.version_upload(
                actor=actor_of(user), document_id=document.pk, upload=services.upload_from_bytes(b"x", name="x.txt")
            )
    with pytest.raises(PermissionDenied):
        upload(actor_of(partner_user))
    comment = services.comment_add(actor=actor_of(partner_user), document_id=document.pk, body="Received, thanks.")
    assert comment.author_id == partner_user.pk
    with pytest.raises(InvalidInput):
        services.comment_add(actor=owner, document_id=document.pk, body="   ")
