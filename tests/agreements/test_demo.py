"""The demo seed: every listed agreement with parties, sourced dates and a derived status."""

from __future__ import annotations

import pytest

from chancery.agreements.demo import agreements_demo_seed, parse_date
from chancery.agreements.enums import Stage
from chancery.agreements.models import Agreement, AgreementEvent

pytestmark = pytest.mark.django_db


def _in_force(short_name: str) -> dict[str, list[str]]:
    events = AgreementEvent.objects.filter(agreement__short_name=short_name, kind="entry_into_force")
    result: dict[str, list[str]] = {}
    for event in events.select_related("party").order_by("date"):
        result.setdefault(event.party.code, []).append(event.date_display)
    return result


def test_seed_records_every_row_once() -> None:
    assert agreements_demo_seed() == 18
    assert agreements_demo_seed() == 0
    assert Agreement.objects.count() == 18
    for agreement in Agreement.objects.all():
        assert agreement.parties.exists(), agreement.short_name
        assert all(event.source for event in agreement.events.all())
    assert Agreement.objects.get(short_name="VN-UAE CEPA").status == Stage.SIGNED
    assert Agreement.objects.get(short_name="EVFTA").status == Stage.IN_FORCE


def test_cptpp_and_evfta_have_per_party_entry_into_force() -> None:
    agreements_demo_seed()
    cptpp = _in_force("CPTPP")
    assert cptpp["VN"] == ["2019-01-14"]
    assert cptpp["PE"] == ["2021-09-19"]
    assert cptpp["JP"] == ["2018-12-30"]
    assert cptpp["GB"] == ["2024-12-15"]
    assert len(cptpp) == 12
    assert _in_force("EVFTA") == {"VN": ["2020-08-01"], "EU": ["2020-08-01"]}
    assert Agreement.objects.get(short_name="CPTPP").depositary == "New Zealand"


def test_conflicting_sources_are_both_kept() -> None:
    agreements_demo_seed()
    assert _in_force("VIFTA")["VN"] == ["2024-10-15", "2024-11-17"]
    notice = AgreementEvent.objects.get(agreement__short_name="VN-EAEU FTA", kind="entry_into_force")
    assert notice.notice_number == "50/2016/TB-LPQT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1992", "1992"), ("2009-02", "2009-02"), ("2019-06-30 (x)", "2019-06-30"), ("(not in force)", None)],
)
def test_parse_date_keeps_precision(text: str, expected: str | None) -> None:
    parsed = parse_date(text)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        shown = {"year": parsed[0].isoformat()[:4], "month": parsed[0].isoformat()[:7], "day": parsed[0].isoformat()}
        assert shown[parsed[1]] == expected


def test_illustrative_obligations_need_the_demo_owner(legal_department: object) -> None:
    from chancery.agreements.models import Obligation
    from tests.factories import OrganisationFactory, UserFactory

    agreements_demo_seed()
    assert not Obligation.objects.exists()
    department = OrganisationFactory(code="dept-law-treaties", kind="department")
    UserFactory(username="treaty", role="treaty_officer", organisation=department)
    agreements_demo_seed()
    assert Obligation.objects.count() == 4
    assert all(o.is_illustrative and o.title.startswith("Illustrative") for o in Obligation.objects.all())


def test_every_party_name_in_the_csv_is_mapped() -> None:
    import csv
    import json

    from chancery.agreements.demo import DATA_DIR

    overrides = json.loads((DATA_DIR / "overrides.json").read_text(encoding="utf-8"))
    with (DATA_DIR / "vn-trade-agreements.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if "parties" in overrides["agreements"].get(row["short_name"], {}):
                continue
            for name in row["parties"].split(";"):
                assert name.strip() in overrides["parties"], (row["short_name"], name)


def test_every_demo_agreement_has_its_vietnamese_title() -> None:
    agreements_demo_seed()
    titles = dict(Agreement.objects.values_list("short_name", "title_vi"))
    assert all(titles.values()), [name for name, title in titles.items() if not title]
    assert titles["EVFTA"] == "Hiệp định Thương mại Tự do giữa Việt Nam và Liên minh châu Âu"
    assert titles["CPTPP"] == "Hiệp định Đối tác Toàn diện và Tiến bộ xuyên Thái Bình Dương"
    assert titles["RCEP"] == "Hiệp định Đối tác Kinh tế Toàn diện Khu vực"


def test_illustrative_rounds_are_seeded_once_and_marked() -> None:
    from chancery.agreements.models import NegotiationRound

    agreements_demo_seed()
    agreements_demo_seed()
    rounds = NegotiationRound.objects.order_by("agreement__short_name", "number")
    assert [(r.agreement.short_name, r.number) for r in rounds] == [
        ("VIFTA", 1),
        ("VN-UAE CEPA", 1),
        ("VN-UAE CEPA", 2),
    ]
    assert all(r.is_illustrative and r.venue.startswith("Illustrative") for r in rounds)
    assert rounds.filter(minutes_text__startswith="Illustrative").count() == 1
