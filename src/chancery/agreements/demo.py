"""The agreements' part of the demo: Viet Nam's trade agreements and WTO accession, with their sources.

Reads ``demo_data/vn-trade-agreements.csv`` (public facts; see ``demo_data/SOURCE.md``) and the
per-party details, plus a few obligations marked *illustrative*, in ``demo_data/overrides.json``, and
records everything through the services, so each agreement, party and event is validated, audited and
logged like any other. Idempotent: an agreement whose short name already exists is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from chancery.agreements import negotiation, services
from chancery.agreements.enums import AgreementKind, AgreementScope, DatePrecision, EventKind
from chancery.agreements.models import Agreement, Obligation
from chancery.agreements.obligations import obligation_create
from chancery.missions import selectors as missions_selectors
from chancery.platform.actor import Actor

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
SEED_ACTOR = Actor.system(purpose="demo-seed")
LEAD_DEPARTMENT = "dept-law-treaties"  # the demo treaty officer works there, so seeded agreements are editable
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(text: str) -> tuple[dt.date, str] | None:
    """Return (first day, precision) of the date a cell starts with (``1992``, ``2009-02``, ``2019-06-30``)."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return dt.date(int(year), int(month or 1), int(day or 1)), precision


def _scope(kind_text: str) -> str:
    if "multilateral" in kind_text:
        return AgreementScope.MULTILATERAL
    if kind_text.startswith("bilateral"):
        return AgreementScope.BILATERAL
    return AgreementScope.PLURILATERAL


def _party_codes(cell: str, names: dict[str, dict[str, list[str]]]) -> tuple[list[str], list[str]]:
    countries: list[str] = ["VN"]
    organisations: list[str] = []
    for name in (part.strip() for part in cell.split(";")):
        entry = names.get(name, {})
        countries += [c for c in entry.get("countries", []) if c not in countries]
        organisations += [o for o in entry.get("organisations", []) if o not in organisations]
    return countries, organisations


def _generic_events(row: dict[str, str]) -> list[dict[str, str]]:
    source = "; ".join(s.strip() for s in row["sources"].split(";") if s.strip())
    events = []
    for column, kind in (("signed_date", EventKind.SIGNATURE), ("in_force_date_for_vn", EventKind.ENTRY_INTO_FORCE)):
        if parse_date(row[column]) is not None:
            events.append({"party": "VN", "kind": kind, "date": row[column], "source": source})
    return events


def _lead_department() -> str:
    departments = missions_selectors.organisation_list(actor=SEED_ACTOR, kind="department")
    return LEAD_DEPARTMENT if departments.filter(code=LEAD_DEPARTMENT).exists() else ""


def vietnamese_titles() -> dict[str, str]:
    """Return the Vietnamese title of each demo agreement by short name (``demo_data/titles-vi.json``)."""
    data: dict[str, Any] = json.loads((DATA_DIR / "titles-vi.json").read_text(encoding="utf-8"))
    return {str(name): str(title) for name, title in data["titles"].items()}


def _seed_one(
    row: dict[str, str], override: dict[str, Any], names: dict[str, dict[str, list[str]]], lead: str, title_vi: str
) -> None:
    agreement = services.agreement_create(
        actor=SEED_ACTOR,
        short_name=row["short_name"],
        title_en=row["full_name"],
        title_vi=title_vi,
        kind=AgreementKind.ACCESSION if row["short_name"] == "WTO membership" else AgreementKind.AGREEMENT,
        scope=_scope(row["kind"]),
        subject_areas=["trade"],
        lead_department_code=lead,
        depositary=row["depositary"],
        notes=row["notes"],
    )
    if "parties" in override:
        countries, organisations = list(override["parties"]), list[str]()
    else:
        countries, organisations = _party_codes(row["parties"], names)
    party_ids: dict[str, int] = {}
    for code in countries:
        party_ids[code] = services.party_add(actor=SEED_ACTOR, agreement_id=agreement.pk, country_code=code).pk
    for code in organisations:
        party_ids[code] = services.party_add(actor=SEED_ACTOR, agreement_id=agreement.pk, organisation_code=code).pk
    for event in override.get("events") or _generic_events(row):
        parsed = parse_date(event["date"])
        if parsed is None:
            continue
        services.event_record(
            actor=SEED_ACTOR,
            agreement_id=agreement.pk,
            kind=event["kind"],
            on=parsed[0],
            date_precision=parsed[1],
            source=event["source"],
            party_id=party_ids[event["party"]] if "party" in event else None,
            notice_number=event.get("notice_number", ""),
            note=event.get("note", ""),
        )


def agreements_demo_seed() -> int:
    """Record the demo agreements that are not there yet; return how many were added.

    Needs the demo departments (``chancery.demo.seed``) for the lead department, but works without
    them. Emits the services' audit events and transparency-log leaves.
    """
    overrides = json.loads((DATA_DIR / "overrides.json").read_text(encoding="utf-8"))
    with (DATA_DIR / "vn-trade-agreements.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lead = _lead_department()
    titles = vietnamese_titles()
    added = 0
    for row in rows:
        if Agreement.objects.filter(short_name=row["short_name"]).exists():
            continue
        override = overrides["agreements"].get(row["short_name"], {})
        _seed_one(row, override, overrides["parties"], lead, titles.get(row["short_name"], ""))
        added += 1
    _seed_obligations(overrides["illustrative_obligations"])
    _seed_rounds(overrides["illustrative_rounds"])
    return added


def _seed_obligations(spec: dict[str, Any]) -> None:
    """Add the illustrative obligations once, when their owner and department exist (the full demo)."""
    owner = get_user_model().objects.filter(username=spec["owner"], organisation__code=spec["department"])
    if not owner.exists():
        return
    for item in spec["items"]:
        agreement = Agreement.objects.filter(short_name=item["agreement"]).first()
        if agreement is None or Obligation.objects.filter(agreement=agreement, title=item["title"]).exists():
            continue
        obligation_create(
            actor=SEED_ACTOR,
            agreement_id=agreement.pk,
            title=item["title"],
            department_code=spec["department"],
            owner_username=spec["owner"],
            due_date=dt.date.fromisoformat(item["due_date"]),
            recurrence=item["recurrence"],
            remind_days_before=item["remind_days_before"],
            is_illustrative=True,
        )


def _seed_rounds(spec: dict[str, Any]) -> None:
    """Add the illustrative negotiating rounds (and minutes) to agreements that have no rounds yet."""
    seeded: set[int] = set()
    for item in spec["items"]:
        agreement = Agreement.objects.filter(short_name=item["agreement"]).first()
        if agreement is None or (agreement.pk not in seeded and agreement.rounds.exists()):
            continue
        seeded.add(agreement.pk)
        negotiation_round = negotiation.round_create(
            actor=SEED_ACTOR,
            agreement_id=agreement.pk,
            starts_on=dt.date.fromisoformat(item["starts_on"]),
            ends_on=dt.date.fromisoformat(item["ends_on"]),
            venue=item["venue"],
            delegations=item.get("delegations", ""),
            outcome_summary=item.get("outcome_summary", ""),
            is_illustrative=True,
        )
        if item.get("minutes_text"):
            negotiation.round_minutes_record(actor=SEED_ACTOR, round_id=negotiation_round.pk, text=item["minutes_text"])
