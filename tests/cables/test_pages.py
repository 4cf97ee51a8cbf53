"""Cable pages: compose (no JavaScript), bad input as form errors, actions, hiding, sanitised bodies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chancery.cables.models import Cable
from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    from allauth.mfa.utils import is_mfa_enabled

    if user.mfa_required and not is_mfa_enabled(user):
        enable_totp(user)
    client.force_login(user)
    return client


def in_page_language(message: str) -> str:
    """Return ``message`` as the pages show it (Vietnamese, the default language)."""
    from django.utils import translation

    with translation.override("vi"):
        return translation.gettext(message)


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rows": "2",
        "subject": "Trade talks in Hà Nội",
        "classification": str(Classification.CONFIDENTIAL),
        "precedence": "ROUTINE",
        "tags": "ETRD, JP",
        "captions": "",
        "action": ["emb-paris"],
        "clearers": ["dept-asia"],
        "references": "",
        "p1_classification": str(Classification.INTERNAL),
        "p1_text": "First paragraph <script>document.title='pwned'</script> **bold**.",
        "p2_classification": str(Classification.CONFIDENTIAL),
        "p2_text": "Second.",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_pages_require_sign_in(client: Client) -> None:
    response = client.get(reverse("cables:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_compose_creates_a_sanitised_draft(client: Client, drafter: User) -> None:
    signed_in(client, drafter)
    assert client.get(reverse("cables:compose")).status_code == 200
    response = client.post(reverse("cables:compose"), _form())
    cable = Cable.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cables:detail", args=[cable.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Trade talks in Hà Nội" in page
    assert "<strong>bold</strong>" in page
    assert "<script>document.title" not in page
    assert "pwned" not in page
    assert 'src="/static/events/live.js"' in page


def test_add_paragraph_adds_a_row_without_saving(client: Client, drafter: User) -> None:
    signed_in(client, drafter)
    response = client.post(reverse("cables:compose"), {**_form(), "add_paragraph": "1"})
    assert response.status_code == 200
    assert 'name="p3_text"' in response.content.decode()
    assert Cable.objects.count() == 0


def test_portion_above_the_cable_is_a_form_error(client: Client, drafter: User) -> None:
    signed_in(client, drafter)
    response = client.post(
        reverse("cables:compose"),
        _form(classification=str(Classification.INTERNAL), p2_classification=str(Classification.CONFIDENTIAL)),
    )
    assert response.status_code == 400
    expected = in_page_language("Paragraph %(number)d is marked higher than the cable.") % {"number": 2}
    assert expected in str(response.context["form"].errors)
    assert Cable.objects.count() == 0


def test_missing_subject_and_addressee_are_form_errors(client: Client, drafter: User) -> None:
    signed_in(client, drafter)
    response = client.post(reverse("cables:compose"), _form(subject="", action=[]))
    assert response.status_code == 400
    assert Cable.objects.count() == 0


def test_press_officer_cannot_compose(client: Client, mission_tokyo: Any) -> None:
    from tests.factories import UserFactory

    press = UserFactory(username="press", role="press_officer", organisation=mission_tokyo)
    signed_in(client, press)
    assert client.get(reverse("cables:compose")).status_code == 403


def test_actions_through_the_pages(
    client: Client, drafter: User, clearer: User, approver: User, recipient: User
) -> None:
    signed_in(client, drafter)
    client.post(reverse("cables:compose"), _form())
    cable = Cable.objects.get()
    client.post(reverse("cables:act", args=[cable.pk, "submit"]))
    for user, verb in ((clearer, "clear"), (approver, "release"), (recipient, "acknowledge")):
        other = signed_in(Client(), user)
        response = other.post(reverse("cables:act", args=[cable.pk, verb]))
        assert response.status_code == 302
    cable.refresh_from_db()
    assert cable.state == "acknowledged"
    inbox = signed_in(Client(), recipient).get(reverse("cables:inbox")).content.decode()
    assert cable.reference in inbox


def test_refused_action_is_a_message_not_a_500(client: Client, drafter: User, recipient: User) -> None:
    signed_in(client, drafter)
    client.post(reverse("cables:compose"), _form())
    cable = Cable.objects.get()
    response = client.post(reverse("cables:act", args=[cable.pk, "release"]), follow=True)
    assert response.status_code == 200
    assert "Permission denied" in [str(m) for m in response.context["messages"]]
    cable.refresh_from_db()
    assert cable.state == "draft"


def test_other_mission_gets_404(client: Client, drafter: User, outsider: User) -> None:
    signed_in(client, drafter)
    client.post(reverse("cables:compose"), _form())
    cable = Cable.objects.get()
    signed_in(client, outsider)
    assert client.get(reverse("cables:detail", args=[cable.pk])).status_code == 404
    assert client.post(reverse("cables:act", args=[cable.pk, "nonsense"])).status_code == 404


def test_return_with_comment_and_edit(client: Client, drafter: User, clearer: User) -> None:
    signed_in(client, drafter)
    client.post(reverse("cables:compose"), _form())
    cable = Cable.objects.get()
    client.post(reverse("cables:act", args=[cable.pk, "submit"]))
    other = signed_in(Client(), clearer)
    other.post(reverse("cables:act", args=[cable.pk, "return"]), {"comment": "Cut paragraph 2."})
    page = client.get(reverse("cables:detail", args=[cable.pk])).content.decode()
    assert "Cut paragraph 2." in page
    edit = client.get(reverse("cables:edit", args=[cable.pk]))
    assert "Trade talks in Hà Nội" in edit.content.decode()
    response = client.post(reverse("cables:edit", args=[cable.pk]), _form(subject="Revised talks"))
    assert response.status_code == 302
    assert "Revised talks" in client.get(reverse("cables:detail", args=[cable.pk])).content.decode()


def test_search_finds_without_diacritics(client: Client, make_released: Any, recipient: User) -> None:
    make_released()
    signed_in(client, recipient)
    page = client.get(reverse("cables:inbox"), {"q": "ha noi"}).content.decode()
    assert "Hà Nội visit preparations" in page


def test_save_and_delete_a_search(client: Client, recipient: User) -> None:
    from chancery.cables.models import SavedSearch

    signed_in(client, recipient)
    client.post(reverse("cables:saved_search_create"), {"query": "rice"})
    search = SavedSearch.objects.get()
    assert search.owner == recipient
    assert "rice" in client.get(reverse("cables:inbox")).content.decode()
    response = client.post(reverse("cables:saved_search_create"), {"query": "  "}, follow=True)
    expected = in_page_language("Enter a search of at most 200 characters.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    client.post(reverse("cables:saved_search_delete", args=[search.pk]))
    assert SavedSearch.objects.count() == 0
