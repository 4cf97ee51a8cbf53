"""Agreement services: validation naming the field, guarded transitions, derived status, audit and log."""

from __future__ import annotations

import pytest

from chancery.agreements import services
from chancery.agreements.enums import Stage
from chancery.agreements.models import Agreement, AgreementEvent, Party
from chancery.audit.models import AuditEvent
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.transparency.models import LogEntry
from tests.agreements.conftest import SYSTEM, day, make_agreement

pytestmark = pytest.mark.django_db(transaction=True)


def _party(agreement: Agreement, code: str) -> int:
    return Party.objects.get(agreement=agreement, country_code=code).pk


def _record(
    agreement: Agreement, kind: str, on: str, *, party: str | None = None, source: str = "S1", **extra: str
) -> AgreementEvent:
    return services.event_record(
        actor=SYSTEM,
        agreement_id=agreement.pk,
        kind=kind,
        on=day(on),
        source=source,
        party_id=_party(agreement, party) if party else None,
        **extra,
    )


def _error_field(excinfo: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return list(excinfo.value.errors)


def test_status_is_derived_from_events_in_order(vjepa: Agreement) -> None:
    assert vjepa.status == Stage.PROPOSED
    _record(vjepa, "negotiations_opened", "2007-01-15")
    _record(vjepa, "signature", "2008-12-25", party="VN")
    assert Agreement.objects.get(pk=vjepa.pk).status == Stage.SIGNED
    _record(vjepa, "ratification", "2009-06-01", party="VN")
    assert Agreement.objects.get(pk=vjepa.pk).status == Stage.RATIFICATION
    _record(vjepa, "entry_into_force", "2009-10-01", party="VN", notice_number="12/2009/TB-LPQT")
    assert Agreement.objects.get(pk=vjepa.pk).status == Stage.IN_FORCE


def test_entry_into_force_before_signature_is_refused_and_nothing_saved(vjepa: Agreement) -> None:
    _record(vjepa, "signature", "2008-12-25", party="VN")
    with pytest.raises(InvalidInput) as excinfo:
        _record(vjepa, "entry_into_force", "2008-01-01", party="VN")
    assert _error_field(excinfo) == ["date"]
    assert not AgreementEvent.objects.filter(kind="entry_into_force").exists()
    assert Agreement.objects.get(pk=vjepa.pk).status == Stage.SIGNED


def test_ratification_needs_the_partys_signature(vjepa: Agreement) -> None:
    _record(vjepa, "signature", "2008-12-25", party="VN")
    with pytest.raises(InvalidInput) as excinfo:
        _record(vjepa, "ratification", "2009-01-10", party="JP")
    assert _error_field(excinfo) == ["party"]


def test_ratification_by_a_non_party_is_refused(vjepa: Agreement) -> None:
    other = make_agreement(short_name="VKFTA", parties=("VN", "KR"))
    korea = Party.objects.get(agreement=other, country_code="KR")
    with pytest.raises(InvalidInput) as excinfo:
        services.event_record(
            actor=SYSTEM,
            agreement_id=vjepa.pk,
            kind="ratification",
            on=day("2009-01-01"),
            source="S1",
            party_id=korea.pk,
        )
    assert _error_field(excinfo) == ["party"]


def test_a_date_in_the_future_is_refused(vjepa: Agreement) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        _record(vjepa, "signature", "2999-01-01", party="VN")
    assert _error_field(excinfo) == ["date"]
    assert not AgreementEvent.objects.exists()


def test_conflicting_sources_are_kept_side_by_side() -> None:
    vifta = make_agreement(short_name="VIFTA", parties=("VN", "IL"), lead="")
    _record(vifta, "signature", "2023-07-25", party="VN", source="S30")
    _record(vifta, "entry_into_force", "2024-10-15", party="VN", source="Resolution 190/NQ-CP (S29)")
    _record(vifta, "entry_into_force", "2024-11-17", party="VN", source="Israel note EI.01.24/1/111 (S29)")
    dates = sorted(
        AgreementEvent.objects.filter(agreement=vifta, kind="entry_into_force").values_list("date", flat=True)
    )
    assert dates == [day("2024-10-15"), day("2024-11-17")]
    with pytest.raises(InvalidInput) as excinfo:
        _record(vifta, "entry_into_force", "2024-11-17", party="VN", source="Israel note EI.01.24/1/111 (S29)")
    assert _error_field(excinfo) == ["source"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"country_code": "XX"}, "country_code"),
        ({"country_code": "ZZZ"}, "country_code"),
        ({"country_code": "VN"}, "country_code"),  # duplicate
        ({"country_code": "VNM"}, "country_code"),  # duplicate through alpha-3
        ({"organisation_code": "NOPE"}, "organisation_code"),
        ({}, "country_code"),
    ],
)
def test_bad_parties_name_the_field(vjepa: Agreement, kwargs: dict[str, str], field: str) -> None:
    before = Party.objects.count()
    with pytest.raises(InvalidInput) as excinfo:
        services.party_add(actor=SYSTEM, agreement_id=vjepa.pk, **kwargs)
    assert _error_field(excinfo) == [field]
    assert Party.objects.count() == before


def test_alpha_3_codes_are_normalised(vjepa: Agreement) -> None:
    party = services.party_add(actor=SYSTEM, agreement_id=vjepa.pk, country_code="deu")
    assert party.country_code == "DE"


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("signing", {}, "kind"),
        ("signature", {"source": "  "}, "source"),
        ("signature", {"notice_number": "50/2016/TB-LPQT"}, "notice_number"),
        ("signature", {"date_precision": "week"}, "date_precision"),
        ("negotiations_opened", {"party": "VN"}, "party"),
        ("signature", {"party": None}, "party"),
        ("withdrawal", {}, "party"),
    ],
)
def test_bad_events_name_the_field(vjepa: Agreement, kind: str, extra: dict[str, str | None], field: str) -> None:
    party = extra.pop("party", "VN")
    source = extra.pop("source", "S1")
    with pytest.raises(InvalidInput) as excinfo:
        services.event_record(
            actor=SYSTEM,
            agreement_id=vjepa.pk,
            kind=kind,
            on=day("2008-12-25"),
            source=str(source),
            party_id=_party(vjepa, party) if party else None,
            **{key: str(value) for key, value in extra.items()},
        )
    assert _error_field(excinfo) == [field]
    assert not AgreementEvent.objects.exists()


def test_malformed_notice_number_is_refused(vjepa: Agreement) -> None:
    _record(vjepa, "signature", "2008-12-25", party="VN")
    with pytest.raises(InvalidInput) as excinfo:
        _record(vjepa, "entry_into_force", "2009-10-01", party="VN", notice_number="fifty")
    assert _error_field(excinfo) == ["notice_number"]


def test_termination_needs_entry_into_force(vjepa: Agreement) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        _record(vjepa, "termination", "2020-01-01")
    assert _error_field(excinfo) == ["date"]


def test_every_write_is_audited_and_logged(vjepa: Agreement) -> None:
    event = _record(vjepa, "signature", "2008-12-25", party="VN", source="S8 (wtocenter.vn)")
    actions = list(AuditEvent.objects.filter(object_type="agreement").values_list("action", flat=True))
    assert actions.count("agreements.party_add") == 2
    assert "agreements.create" in actions
    assert "agreements.event_record" in actions
    ids = set(LogEntry.objects.filter(record_type="agreements.event").values_list("record_id", flat=True))
    assert f"event-{event.pk}" in ids
    assert f"agreement-{vjepa.pk}" in ids
    assert not any("wtocenter" in str(detail) for detail in AuditEvent.objects.values_list("detail", flat=True))


def test_short_name_must_be_unique(vjepa: Agreement) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        make_agreement(short_name="vjepa")
    assert _error_field(excinfo) == ["short_name"]


def test_unknown_lead_department_is_refused(legal_department: object) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        make_agreement(short_name="X", lead="dept-unknown")
    assert _error_field(excinfo) == ["lead_department"]
    assert not Agreement.objects.exists()


def test_anonymous_cannot_record(vjepa: Agreement) -> None:
    with pytest.raises((PermissionDenied, NotFound)):
        services.event_record(
            actor=Actor.anonymous(),
            agreement_id=vjepa.pk,
            kind="signature",
            on=day("2008-12-25"),
            source="S1",
            party_id=_party(vjepa, "VN"),
        )
