"""Related agreements (amends / supersedes / implements): validation, who may record them, pages, API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chancery.agreements import relations
from chancery.agreements.models import Agreement, AgreementRelation
from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agreements"


def signed_in(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(legal_department: object) -> tuple[Agreement, Agreement]:
    """A protocol (amending) and the agreement it amends, both led by the legal department."""
    return make_agreement(short_name="VJEPA-P1"), make_agreement(short_name="VJEPA")


def _errors(excinfo: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return list(excinfo.value.errors)


def test_a_relation_is_recorded_audited_and_seen_from_both_sides(
    treaty_officer: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    officer = actor_of(treaty_officer)
    relation = relations.relation_add(actor=officer, agreement_id=protocol.pk, target_id=base.pk, kind="amends")
    assert (relation.source_id, relation.target_id, relation.kind) == (protocol.pk, base.pk, "amends")
    assert AuditEvent.objects.filter(action="agreements.relation_add", object_id=str(protocol.pk)).exists()
    [outgoing] = relations.relation_list(actor=officer, agreement_id=protocol.pk)
    assert (outgoing.outgoing, outgoing.other.short_name, outgoing.label) == (True, "VJEPA", "amends")
    [incoming] = relations.relation_list(actor=officer, agreement_id=base.pk)
    assert (incoming.outgoing, incoming.other.short_name, incoming.label) == (False, "VJEPA-P1", "amended by")


@pytest.mark.parametrize(
    ("kind", "target", "field"),
    [
        ("amends", "self", "target"),
        ("replaces", "other", "kind"),
        ("amends", "missing", "target"),
    ],
)
def test_bad_relations_name_the_field_and_save_nothing(
    treaty_officer: User, pair: tuple[Agreement, Agreement], kind: str, target: str, field: str
) -> None:
    protocol, base = pair
    target_id = {"self": protocol.pk, "other": base.pk, "missing": 999_999}[target]
    with pytest.raises(InvalidInput) as excinfo:
        relations.relation_add(actor=actor_of(treaty_officer), agreement_id=protocol.pk, target_id=target_id, kind=kind)
    assert _errors(excinfo) == [field]
    assert not AgreementRelation.objects.exists()


def test_duplicates_and_the_same_relation_reversed_are_refused(
    treaty_officer: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    officer = actor_of(treaty_officer)
    relations.relation_add(actor=officer, agreement_id=protocol.pk, target_id=base.pk, kind="supersedes")
    with pytest.raises(InvalidInput) as excinfo:
        relations.relation_add(actor=officer, agreement_id=protocol.pk, target_id=base.pk, kind="supersedes")
    assert _errors(excinfo) == ["target"]
    with pytest.raises(InvalidInput) as excinfo:
        relations.relation_add(actor=officer, agreement_id=base.pk, target_id=protocol.pk, kind="supersedes")
    assert _errors(excinfo) == ["target"]
    relations.relation_add(actor=officer, agreement_id=protocol.pk, target_id=base.pk, kind="implements")
    assert AgreementRelation.objects.count() == 2


def test_the_target_must_be_visible_to_the_actor(
    treaty_officer: User, pair: tuple[Agreement, Agreement], economic_department: object
) -> None:
    protocol, _base = pair
    hidden = make_agreement(short_name="SECRET-MOU", lead="dept-economic", classification=Classification.SECRET)
    with pytest.raises(InvalidInput) as excinfo:
        relations.relation_add(
            actor=actor_of(treaty_officer), agreement_id=protocol.pk, target_id=hidden.pk, kind="implements"
        )
    assert _errors(excinfo) == ["target"]
    assert not AgreementRelation.objects.exists()


def test_relations_to_hidden_agreements_are_not_listed(
    treaty_officer: User, other_department_officer: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    secret = make_agreement(short_name="SECRET-P2", lead="dept-law", classification=Classification.SECRET)
    relations.relation_add(actor=actor_of(treaty_officer), agreement_id=secret.pk, target_id=base.pk, kind="amends")
    assert [
        row.other.short_name for row in relations.relation_list(actor=actor_of(treaty_officer), agreement_id=base.pk)
    ] == ["SECRET-P2"]
    assert relations.relation_list(actor=actor_of(other_department_officer), agreement_id=base.pk) == []
    del protocol


def test_three_users_lead_department_other_department_partner(
    treaty_officer: User, other_department_officer: User, partner_user: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    relation = relations.relation_add(
        actor=actor_of(treaty_officer), agreement_id=protocol.pk, target_id=base.pk, kind="amends"
    )
    for outsider in (other_department_officer, partner_user):
        with pytest.raises(PermissionDenied):
            relations.relation_add(
                actor=actor_of(outsider), agreement_id=protocol.pk, target_id=base.pk, kind="implements"
            )
        with pytest.raises(PermissionDenied):
            relations.relation_remove(actor=actor_of(outsider), relation_id=relation.pk)
    # the partner (Japan is party to both) sees the relation but cannot change it
    assert [row.other.pk for row in relations.relation_list(actor=actor_of(partner_user), agreement_id=base.pk)] == [
        protocol.pk
    ]
    relations.relation_remove(actor=actor_of(treaty_officer), relation_id=relation.pk)
    assert not AgreementRelation.objects.exists()
    assert AuditEvent.objects.filter(action="agreements.relation_remove").count() == 1
    with pytest.raises(NotFound):
        relations.relation_remove(actor=actor_of(treaty_officer), relation_id=relation.pk)


def test_the_agreement_page_records_shows_and_removes_a_relation(
    treaty_officer: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    client = signed_in(treaty_officer)
    url = reverse("agreements:relation_add", args=[protocol.pk])
    assert client.post(url, {"relation-kind": "amends", "relation-target": base.pk}).status_code == 302
    page = client.get(reverse("agreements:agreement_detail", args=[base.pk]))
    assert "amended by" in page.content.decode()
    again = client.post(url, {"relation-kind": "amends", "relation-target": base.pk})
    assert again.status_code == 400
    assert "target" in again.context["relation_form"].errors
    own = client.post(url, {"relation-kind": "amends", "relation-target": protocol.pk})
    assert own.status_code == 400  # not among the choices: the form refuses it before the service
    assert "target" in own.context["relation_form"].errors
    relation = AgreementRelation.objects.get()
    remove = reverse("agreements:relation_remove", args=[protocol.pk, relation.pk])
    assert client.post(remove).status_code == 302
    assert not AgreementRelation.objects.exists()


def test_the_api_adds_lists_and_removes_relations(
    treaty_officer: User, partner_user: User, pair: tuple[Agreement, Agreement]
) -> None:
    protocol, base = pair
    client = signed_in(treaty_officer)
    created = client.post(
        f"{BASE}/{protocol.pk}/relations", {"kind": "supersedes", "target_id": base.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["target"], body["kind"]) == ("VJEPA-P1", "VJEPA", "supersedes")
    listed = client.get(f"{BASE}/{base.pk}/relations").json()
    assert [row["source_id"] for row in listed] == [protocol.pk]
    self_relation = client.post(
        f"{BASE}/{protocol.pk}/relations", {"kind": "amends", "target_id": protocol.pk}, content_type="application/json"
    )
    assert self_relation.status_code == 422
    assert "target" in self_relation.json()["errors"]
    assert client.get(f"{BASE}/relations/{body['id']}").json()["target_id"] == base.pk
    partner = signed_in(partner_user)
    assert partner.delete(f"{BASE}/relations/{body['id']}").status_code == 403
    assert client.delete(f"{BASE}/relations/{body['id']}").status_code == 204
    assert not AgreementRelation.objects.exists()
