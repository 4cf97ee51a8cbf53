"""Reusable templates: a unit's bilingual starting texts, offered on the draft page to its press officers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import selectors, services
from chancery.outreach.models import Template
from chancery.platform.errors import InvalidInput, PermissionDenied
from tests.conftest import actor_of
from tests.outreach.factories import press_officer, user

pytestmark = pytest.mark.django_db
CONDOLENCES_VI = "Bộ Ngoại giao xin gửi lời chia buồn sâu sắc tới …"
CONDOLENCES_EN = "The Ministry of Foreign Affairs extends its deepest condolences to …"


def test_templates_three_users_and_the_draft_page(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    template = services.template_create(
        actor=actor_of(author), name="Condolences", text_vi=CONDOLENCES_VI, text_en=CONDOLENCES_EN
    )
    assert AuditEvent.objects.filter(action="outreach.template_created", object_id=str(template.pk)).exists()
    paris = press_officer(mission_paris, "paris")
    partner_org = Organisation.objects.create(code="partner-t", name_en="T", name_vi="T", kind="partner_ministry")
    partner = user("partner", Role.PARTNER, partner_org)
    assert list(selectors.template_list(actor=actor_of(author))) == [template]
    assert list(selectors.template_list(actor=actor_of(paris))) == []  # another unit's
    assert list(selectors.template_list(actor=actor_of(partner))) == []
    with pytest.raises(PermissionDenied):
        services.template_create(actor=actor_of(partner), name="x", text_vi="x", text_en="x")
    with pytest.raises(InvalidInput) as caught:
        services.template_create(actor=actor_of(author), name="Only English", text_vi=" ", text_en="x")
    assert set(caught.value.errors) == {"text_vi"}
    assert Template.objects.count() == 1

    client = Client()
    client.force_login(author)
    page = client.get(reverse("outreach:compose")).content.decode()
    assert f"?template={template.pk}" in page
    filled = client.get(reverse("outreach:compose"), {"template": template.pk}).content.decode()
    assert CONDOLENCES_VI in filled
    assert CONDOLENCES_EN in filled
    other = Client()
    other.force_login(paris)
    assert CONDOLENCES_VI not in other.get(reverse("outreach:compose"), {"template": template.pk}).content.decode()
