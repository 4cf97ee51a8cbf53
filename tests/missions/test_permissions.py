"""The missions rules: allowed / other role / other mission, partners, and rule-listing agreement."""

from __future__ import annotations

import itertools

import pytest

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.missions.permissions import ReportDraft
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.factories import UserFactory
from tests.missions.factories import PostReportFactory

pytestmark = pytest.mark.django_db


def test_rules_are_registered() -> None:
    actions = access.registered_actions()
    for action in ("missions.view", "missions.view_report", "missions.create_report", "missions.manage"):
        assert action in actions


# --- Reading a report: allowed / other role / other mission -------------------------------------------


def test_mission_officer_reads_own_missions_confidential_report(confidential_report: PostReport) -> None:
    reader = UserFactory(
        role=Role.MISSION_OFFICER, organisation=confidential_report.mission, clearance=Classification.SECRET
    )
    reader.compartments.add(*confidential_report.compartments.all())
    assert access.can(actor_of(reader), "missions.view_report", confidential_report)


def test_headquarters_desk_officer_reads_every_missions_report(hq_desk: User, confidential_report: PostReport) -> None:
    assert access.can(actor_of(hq_desk), "missions.view_report", confidential_report)


def test_other_role_at_headquarters_is_refused(hq_press: User, confidential_report: PostReport) -> None:
    # Same organisation, clearance and compartment as the desk officer: only the role differs.
    assert not access.can(actor_of(hq_press), "missions.view_report", confidential_report)


def test_other_mission_is_refused_even_when_cleared(
    mission_paris: Organisation, scs: Compartment, confidential_report: PostReport
) -> None:
    paris = UserFactory(role=Role.MISSION_OFFICER, organisation=mission_paris, clearance=Classification.TOP_SECRET)
    paris.compartments.add(scs)
    assert not access.can(actor_of(paris), "missions.view_report", confidential_report)


def test_internal_clearance_cannot_reach_confidential_report(
    mission_tokyo: Organisation, scs: Compartment, confidential_report: PostReport
) -> None:
    internal = UserFactory(role=Role.MISSION_OFFICER, organisation=mission_tokyo, clearance=Classification.INTERNAL)
    internal.compartments.add(scs)
    actor = actor_of(internal)
    assert not access.can(actor, "missions.view_report", confidential_report)
    with pytest.raises(NotFound):  # hidden, not forbidden: existence does not leak
        access.require(actor, "missions.view_report", confidential_report)


def test_missing_compartment_refuses_a_cleared_reader(
    mission_tokyo: Organisation, confidential_report: PostReport
) -> None:
    cleared = UserFactory(role=Role.MISSION_OFFICER, organisation=mission_tokyo, clearance=Classification.TOP_SECRET)
    assert not access.can(actor_of(cleared), "missions.view_report", confidential_report)


def test_author_keeps_reading_own_report_after_a_transfer(
    tokyo_officer: User, mission_paris: Organisation, confidential_report: PostReport
) -> None:
    tokyo_officer.organisation = mission_paris
    tokyo_officer.save()
    assert access.can(actor_of(tokyo_officer), "missions.view_report", confidential_report)


def test_security_officer_reads_reports_within_clearance(
    security_officer: User, internal_report: PostReport, confidential_report: PostReport
) -> None:
    actor = actor_of(security_officer)  # SECRET, at the ministry, no compartments
    assert access.can(actor, "missions.view_report", internal_report)
    assert not access.can(actor, "missions.view_report", confidential_report)


def test_anonymous_and_narrow_tokens_are_refused(internal_report: PostReport, hq_desk: User) -> None:
    assert not access.can(Actor.anonymous(), "missions.view_report", internal_report)
    token_actor = Actor.from_user(hq_desk, scopes=frozenset({"missions:write"}))
    assert not access.can(token_actor, "missions.view_report", internal_report)
    read_actor = Actor.from_user(hq_desk, scopes=frozenset({"missions:read"}))
    assert access.can(read_actor, "missions.view_report", internal_report)


# --- Partners ------------------------------------------------------------------------------------------


def test_partner_reads_a_report_shared_with_it(japan_partner: User, shared_report: PostReport) -> None:
    assert access.can(actor_of(japan_partner), "missions.view_report", shared_report)


def test_other_partner_is_refused(asean_partner: User, shared_report: PostReport) -> None:
    assert not access.can(actor_of(asean_partner), "missions.view_report", shared_report)


def test_partner_is_refused_unshared_report(japan_partner: User, internal_report: PostReport) -> None:
    assert not access.can(actor_of(japan_partner), "missions.view_report", internal_report)


def test_partner_is_refused_red_or_confidential_even_when_shared(
    japan_partner: User, partner_japan: Organisation, mission_tokyo: Organisation, tokyo_officer: User
) -> None:
    japan_partner.clearance = Classification.TOP_SECRET
    japan_partner.save()
    red = PostReportFactory(mission=mission_tokyo, author=tokyo_officer, tlp=TLP.RED, shared_with=[partner_japan])
    confidential = PostReportFactory(
        mission=mission_tokyo,
        author=tokyo_officer,
        tlp=TLP.GREEN,
        classification=Classification.CONFIDENTIAL,
        shared_with=[partner_japan],
    )
    actor = actor_of(japan_partner)
    assert not access.can(actor, "missions.view_report", red)
    assert not access.can(actor, "missions.view_report", confidential)


def test_partner_with_low_clearance_is_refused_internal_shared_report(
    japan_partner: User, shared_report: PostReport
) -> None:
    japan_partner.clearance = Classification.UNCLASSIFIED
    japan_partner.save()
    assert not access.can(actor_of(japan_partner), "missions.view_report", shared_report)


# --- Organisations -------------------------------------------------------------------------------------


def test_internal_user_sees_every_organisation(
    desk_officer: User, ministry: Organisation, mission_paris: Organisation, partner_asean: Organisation
) -> None:
    actor = actor_of(desk_officer)
    for organisation in (ministry, mission_paris, partner_asean):
        assert access.can(actor, "missions.view", organisation)
    assert access.visible(actor, "missions.view", Organisation.objects.all()).count() == Organisation.objects.count()


def test_partner_sees_only_its_own_organisation_and_the_ministry(
    japan_partner: User,
    ministry: Organisation,
    partner_japan: Organisation,
    partner_asean: Organisation,
    mission_tokyo: Organisation,
) -> None:
    actor = actor_of(japan_partner)
    assert access.can(actor, "missions.view", partner_japan)
    assert access.can(actor, "missions.view", ministry)
    assert not access.can(actor, "missions.view", mission_tokyo)
    assert not access.can(actor, "missions.view", partner_asean)
    with pytest.raises(NotFound):
        access.require(actor, "missions.view", mission_tokyo)
    visible = set(access.visible(actor, "missions.view", Organisation.objects.all()).values_list("code", flat=True))
    assert visible == {"mofa", "partner-mofa-japan"}


# --- Writing a report ----------------------------------------------------------------------------------


def test_mission_officer_may_write_for_own_mission_within_clearance(
    tokyo_officer: User, mission_tokyo: Organisation
) -> None:
    actor = actor_of(tokyo_officer)
    allowed = ReportDraft(
        mission_id=mission_tokyo.pk,
        classification=Classification.CONFIDENTIAL,
        compartments=frozenset({"south-china-sea"}),
    )
    assert access.can(actor, "missions.create_report", allowed)
    too_high = ReportDraft(mission_id=mission_tokyo.pk, classification=Classification.SECRET)
    assert not access.can(actor, "missions.create_report", too_high)
    not_held = ReportDraft(
        mission_id=mission_tokyo.pk,
        classification=Classification.INTERNAL,
        compartments=frozenset({"trade-negotiations"}),
    )
    assert not access.can(actor, "missions.create_report", not_held)


def test_other_mission_and_other_roles_may_not_write(
    tokyo_officer: User, mission_tokyo: Organisation, mission_paris: Organisation, hq_desk: User, japan_partner: User
) -> None:
    other_mission = ReportDraft(mission_id=mission_paris.pk, classification=Classification.INTERNAL)
    assert not access.can(actor_of(tokyo_officer), "missions.create_report", other_mission)
    own = ReportDraft(mission_id=mission_tokyo.pk, classification=Classification.INTERNAL)
    press = UserFactory(role=Role.PRESS_OFFICER, organisation=mission_tokyo, clearance=Classification.SECRET)
    assert not access.can(actor_of(press), "missions.create_report", own)
    assert not access.can(actor_of(hq_desk), "missions.create_report")  # headquarters is not a mission
    assert not access.can(actor_of(japan_partner), "missions.create_report")
    with pytest.raises(PermissionDenied):
        access.require(actor_of(press), "missions.create_report", own)


def test_only_administrators_and_the_system_manage_the_directory(hq_desk: User, ministry: Organisation) -> None:
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=ministry)
    assert access.can(actor_of(admin), "missions.manage")
    assert access.can(Actor.system(purpose="test"), "missions.manage")
    assert not access.can(actor_of(hq_desk), "missions.manage")


# --- The listing filter agrees with the rule -----------------------------------------------------------


def _reader_matrix(
    ministry: Organisation,
    department: Organisation,
    tokyo: Organisation,
    paris: Organisation,
    japan: Organisation,
    asean: Organisation,
    scs: Compartment,
    trade: Compartment,
) -> list[User]:
    specs = [
        (Role.DESK_OFFICER, department, Classification.CONFIDENTIAL, [scs]),
        (Role.ANALYST, department, Classification.TOP_SECRET, [scs, trade]),
        (Role.SECURITY_OFFICER, ministry, Classification.SECRET, []),
        (Role.ADMINISTRATOR, ministry, Classification.TOP_SECRET, [scs, trade]),
        (Role.PRESS_OFFICER, department, Classification.INTERNAL, []),
        (Role.TREATY_OFFICER, ministry, Classification.SECRET, [trade]),
        (Role.MISSION_OFFICER, tokyo, Classification.CONFIDENTIAL, [scs]),
        (Role.MISSION_OFFICER, paris, Classification.INTERNAL, []),
        (Role.DESK_OFFICER, tokyo, Classification.TOP_SECRET, [scs, trade]),
        (Role.PARTNER, japan, Classification.INTERNAL, []),
        (Role.PARTNER, asean, Classification.UNCLASSIFIED, []),
        (Role.PARTNER, None, Classification.INTERNAL, []),
        (Role.DESK_OFFICER, japan, Classification.SECRET, [scs]),  # a non-partner role in a partner org
        (Role.DESK_OFFICER, None, Classification.SECRET, [scs]),
    ]
    readers = []
    for role, organisation, clearance, compartments in specs:
        user = UserFactory(role=role, organisation=organisation, clearance=clearance)
        user.compartments.set(compartments)
        readers.append(user)
    return readers


def test_listing_filter_matches_the_rule_for_every_reader_and_report(
    ministry: Organisation,
    department: Organisation,
    mission_tokyo: Organisation,
    mission_paris: Organisation,
    partner_japan: Organisation,
    partner_asean: Organisation,
    scs: Compartment,
    trade: Compartment,
) -> None:
    readers = _reader_matrix(
        ministry, department, mission_tokyo, mission_paris, partner_japan, partner_asean, scs, trade
    )
    authors = {
        mission_tokyo.pk: UserFactory(role=Role.MISSION_OFFICER, organisation=mission_tokyo),
        mission_paris.pk: readers[7],  # the Paris officer authors Paris reports: the author branch is exercised
    }
    combos = itertools.product(
        Classification.values,
        [[], [scs], [scs, trade]],
        [TLP.RED, TLP.GREEN],
        [[], [partner_japan]],
        [mission_tokyo, mission_paris],
    )
    reports = [
        PostReportFactory(
            mission=mission,
            author=authors[mission.pk],
            classification=level,
            compartments=tags,
            tlp=tlp,
            shared_with=shared,
        )
        for level, tags, tlp, shared, mission in combos
    ]
    assert len(reports) == 120
    everything = PostReport.objects.all()
    seen_any = 0
    for reader in readers:
        actor = actor_of(reader)
        listed = set(access.visible(actor, "missions.view_report", everything).values_list("pk", flat=True))
        allowed = {report.pk for report in reports if access.can(actor, "missions.view_report", report)}
        assert listed == allowed, reader.role
        seen_any += bool(allowed)
    # The matrix is not vacuous: most readers see something, and the counts follow the documented rule.
    assert seen_any >= 8
    counts = [access.visible(actor_of(reader), "missions.view_report", everything).count() for reader in readers]
    assert counts[1] == 120  # headquarters analyst, TOP SECRET, every compartment
    assert counts[4] == 0  # headquarters press officer: no need to know
    assert counts[7] == 8  # Paris INTERNAL officer: Paris reports up to INTERNAL without compartments
    assert counts[9] == 4  # Japan's ministry: shared, not RED, up to INTERNAL, no compartments
    assert counts[11] == 0  # a partner without an organisation
