"""Creating and opening post reports; maintaining organisations and compartments."""

from __future__ import annotations

import pytest

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions import services
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.factories import UserFactory
from tests.missions.factories import PostReportFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = "Body text that must never reach an audit event."


def _create(actor: Actor, **overrides: object) -> PostReport:
    values: dict[str, object] = {
        "title_en": "Outlook",
        "title_vi": "Triển vọng",
        "body": "A body.",
        "classification": Classification.INTERNAL,
    }
    values.update(overrides)
    return services.report_create(actor=actor, **values)  # type: ignore[arg-type]


def test_report_create_stores_markings_and_audits_metadata_only(tokyo_officer: User, scs: Compartment) -> None:
    report = _create(
        actor_of(tokyo_officer),
        body="Sensitive words",
        classification=Classification.CONFIDENTIAL,
        compartment_codes=["south-china-sea"],
    )
    assert report.mission_id == tokyo_officer.organisation_id
    assert report.author_id == tokyo_officer.pk
    assert list(report.compartments.values_list("code", flat=True)) == ["south-china-sea"]
    event = AuditEvent.objects.get(action="missions.report_created")
    assert event.object_id == str(report.pk)
    assert event.classification == Classification.CONFIDENTIAL
    assert event.detail["compartments"] == ["south-china-sea"]
    assert "Sensitive" not in str(event.detail)
    assert "Outlook" not in str(event.detail)


def test_report_create_with_sharing(tokyo_officer: User, partner_japan: Organisation) -> None:
    report = _create(actor_of(tokyo_officer), tlp=TLP.GREEN, shared_with_codes=["partner-mofa-japan"])
    assert list(report.shared_with.values_list("code", flat=True)) == ["partner-mofa-japan"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": "   "}, "title_en"),
        ({"title_vi": "x" * 201}, "title_vi"),
        ({"body": ""}, "body"),
        ({"classification": 15}, "classification"),
        ({"tlp": "PURPLE"}, "tlp"),
        ({"compartment_codes": ["no-such-tag"]}, "compartments"),
        ({"shared_with_codes": ["no-such-org"]}, "shared_with"),
        ({"shared_with_codes": ["emb-paris"], "tlp": TLP.GREEN}, "shared_with"),  # not an external stakeholder
        ({"shared_with_codes": ["partner-mofa-japan"]}, "tlp"),  # RED cannot be shared
        (
            {
                "shared_with_codes": ["partner-mofa-japan"],
                "tlp": TLP.GREEN,
                "classification": Classification.CONFIDENTIAL,
            },
            "shared_with",
        ),
    ],
)
def test_report_create_rejects_bad_values_and_writes_nothing(
    tokyo_officer: User,
    partner_japan: Organisation,
    mission_paris: Organisation,
    overrides: dict[str, object],
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _create(actor_of(tokyo_officer), **overrides)
    assert field in caught.value.errors
    assert PostReport.objects.count() == 0
    assert not AuditEvent.objects.filter(action="missions.report_created").exists()


def test_report_create_refuses_above_clearance_or_unheld_compartment(tokyo_officer: User, trade: Compartment) -> None:
    actor = actor_of(tokyo_officer)  # CONFIDENTIAL, East Sea only
    with pytest.raises(PermissionDenied):
        _create(actor, classification=Classification.SECRET)
    with pytest.raises(InvalidInput) as not_held:
        _create(actor, compartment_codes=["trade-negotiations"])
    with pytest.raises(InvalidInput) as unknown:
        _create(actor, compartment_codes=["no-such-tag"])
    # The same answer for a compartment that exists and one that does not: no existence oracle.
    assert (
        not_held.value.errors["compartments"][0].split(":")[0] == unknown.value.errors["compartments"][0].split(":")[0]
    )
    assert PostReport.objects.count() == 0


def test_report_create_refuses_other_roles_and_other_missions(
    hq_desk: User, japan_partner: User, tokyo_officer: User, mission_paris: Organisation
) -> None:
    for user in (hq_desk, japan_partner):
        with pytest.raises(PermissionDenied):
            _create(actor_of(user))
    with pytest.raises(PermissionDenied):
        _create(actor_of(tokyo_officer), mission_code="emb-paris")
    assert PostReport.objects.count() == 0


def test_report_open_audits_classified_reads_without_content(hq_desk: User, confidential_report: PostReport) -> None:
    report = services.report_open(actor=actor_of(hq_desk), report_id=confidential_report.pk)
    assert report.pk == confidential_report.pk
    event = AuditEvent.objects.get(action="missions.report_viewed")
    assert event.outcome == "success"
    assert event.actor_id == hq_desk.pk
    assert event.classification == Classification.CONFIDENTIAL
    assert event.object_id == str(confidential_report.pk)
    assert SECRET_WORDS not in str(event.detail)
    assert confidential_report.title_en not in str(event.detail)


def test_report_open_does_not_audit_unclassified_reads(tokyo_officer: User, mission_tokyo: Organisation) -> None:
    report = PostReportFactory(mission=mission_tokyo, author=tokyo_officer, classification=Classification.UNCLASSIFIED)
    services.report_open(actor=actor_of(tokyo_officer), report_id=report.pk)
    assert not AuditEvent.objects.filter(action="missions.report_viewed").exists()


def test_report_open_hides_refused_and_missing_reports_alike(
    desk_officer: User, confidential_report: PostReport
) -> None:
    actor = actor_of(desk_officer)  # INTERNAL, Tokyo
    with pytest.raises(NotFound) as refused:
        services.report_open(actor=actor, report_id=confidential_report.pk)
    with pytest.raises(NotFound) as missing:
        services.report_open(actor=actor, report_id=confidential_report.pk + 1000)
    assert refused.value.detail == missing.value.detail
    denied = AuditEvent.objects.get(action="missions.report_viewed")
    assert denied.outcome == "denied"
    assert denied.object_id == str(confidential_report.pk)


def test_organisation_upsert_creates_updates_and_is_quiet_when_unchanged(ministry: Organisation) -> None:
    system = Actor.system(purpose="test")
    values = {
        "code": "emb-seoul",
        "kind": "embassy",
        "name_en": "Embassy of Viet Nam in the Republic of Korea",
        "name_vi": "Đại sứ quán Việt Nam tại Hàn Quốc",
        "parent_code": "mofa",
        "country_code": "KR",
        "city": "Seoul",
    }
    organisation, changed = services.organisation_upsert(actor=system, **values)
    assert changed
    assert organisation.parent == ministry
    assert services.organisation_upsert(actor=system, **values)[1] is False
    _, changed = services.organisation_upsert(actor=system, **{**values, "city": "Seoul (Jongno)"})
    assert changed
    actions = list(AuditEvent.objects.filter(object_type="missions.organisation").values_list("action", flat=True))
    assert sorted(actions) == ["missions.organisation_created", "missions.organisation_updated"]


@pytest.mark.parametrize(
    ("kind", "country_code"),
    [("embassy", ""), ("embassy", "XX"), ("embassy", "J1"), ("nonsense", "JP")],
)
def test_organisation_upsert_validates_kind_and_country(kind: str, country_code: str) -> None:
    with pytest.raises(InvalidInput):
        services.organisation_upsert(
            actor=Actor.system(purpose="test"),
            code="emb-x",
            kind=kind,
            name_en="X",
            name_vi="X",
            country_code=country_code,
        )
    assert not Organisation.objects.filter(code="emb-x").exists()


def test_directory_changes_need_an_administrator(desk_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.compartment_upsert(actor=actor_of(desk_officer), code="x", name_en="X", name_vi="X")
    admin = UserFactory(role=Role.ADMINISTRATOR)
    compartment, changed = services.compartment_upsert(actor=actor_of(admin), code="x", name_en="X", name_vi="X")
    assert changed
    assert compartment.code == "x"
