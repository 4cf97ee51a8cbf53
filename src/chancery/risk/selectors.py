"""Reads of the risk app. The leadership view only ever sees reviewed assessments."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from chancery.agreements.enums import Stage
from chancery.agreements.selectors import AgreementFilters, agreement_list, agreement_profile
from chancery.intelligence.selectors import ItemFilters, item_search
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.risk.engine import DEMO_DATA
from chancery.risk.models import REVIEWED, AIEvent, Assessment, Kind, Status, UseCase
from chancery.risk.partners import DOTS_NAMES, ISO3_BY_PARTNER
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.scenario import AGREEMENT_TYPES, AgreementChoice
from chancery_analytics.forecast.trade import (
    AGREEMENTS,
    ASEAN,
    EU27,
    Exposure,
    TradeData,
    exposure_table,
    trade_data_load,
)

if TYPE_CHECKING:
    from chancery.intelligence.models import Item

STORIES = 8


def reviewed_list(*, actor: Actor, kind: str = Kind.CONFLICT) -> QuerySet[Assessment]:
    """Return the current reviewed (accepted or adjusted) assessments of ``kind``. Needs ``risk.view``.

    Conflict and crisis by country name; export forecasts by forecast value (largest first); sentiment
    readings by initiative. Raises InvalidInput naming ``kind`` for an unknown kind.
    """
    access.require(actor, "risk.view")
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown assessment kind."), errors={"kind": [_("Unknown assessment kind.")]})
    found = Assessment.objects.filter(status__in=REVIEWED, kind=kind)
    if kind == Kind.TRADE:
        return found.order_by("-value", "subject")
    if kind == Kind.SENTIMENT:
        return found.order_by("subject", "-reviewed_at")
    return found.order_by("country_name")


@dataclass
class Leadership:
    """The leadership view: reviewed assessments of every kind (never a draft)."""

    conflict: list[Assessment]
    crisis: list[Assessment]
    trade: list[Assessment]
    sentiment: list[Assessment]
    alerts: list[AIEvent]


def leadership_view(*, actor: Actor) -> Leadership:
    """Return the reviewed conflict, crisis, export and sentiment assessments and recent alerts (``risk.view``)."""
    return Leadership(
        conflict=list(reviewed_list(actor=actor, kind=Kind.CONFLICT)),
        crisis=list(reviewed_list(actor=actor, kind=Kind.CRISIS)),
        trade=list(reviewed_list(actor=actor, kind=Kind.TRADE)[:30]),
        sentiment=list(reviewed_list(actor=actor, kind=Kind.SENTIMENT)),
        alerts=list(alert_list(actor=actor)[:10]),
    )


def alert_list(*, actor: Actor) -> QuerySet[AIEvent]:
    """Return the marked changes of reviewed figures, newest first. Needs ``risk.view``.

    Each was raised when an analyst's review moved a reviewed figure markedly (see
    :func:`chancery.risk.services.marked_change`); only reviewed figures ever raise one.
    """
    access.require(actor, "risk.view")
    return AIEvent.objects.filter(kind=AIEvent.Kind.ALERT).select_related("assessment")


def draft_list(*, actor: Actor, kind: str = "") -> QuerySet[Assessment]:
    """Return the drafts awaiting review (of ``kind`` when given), by kind then highest figure (``risk.review``)."""
    access.require(actor, "risk.review")
    drafts = Assessment.objects.filter(status=Status.DRAFT)
    if kind:
        if kind not in Kind.values:
            raise InvalidInput(_("Unknown assessment kind."), errors={"kind": [_("Unknown assessment kind.")]})
        drafts = drafts.filter(kind=kind)
    return drafts.order_by("kind", "-probability", "-value", "country_name", "subject")


def draft_counts(*, actor: Actor) -> dict[str, int]:
    """Return the number of drafts awaiting review per kind. Needs ``risk.review``."""
    access.require(actor, "risk.review")
    rows = Assessment.objects.filter(status=Status.DRAFT).values_list("kind").annotate(n=Count("id"))
    return {str(kind): int(n) for kind, n in rows}


def draft_get(*, actor: Actor, assessment_id: int) -> Assessment:
    """Return one assessment of any status for a reviewer. Needs ``risk.review``; NotFound otherwise."""
    access.require(actor, "risk.review")
    found = Assessment.objects.filter(pk=assessment_id).first()
    if found is None:
        raise NotFound
    return found


@dataclass
class CountryRisk:
    """What the country page shows: reviewed conflict and crisis risk, history, stories and trade exposure."""

    iso3: str
    name: str
    reviewed: Assessment | None
    past_reviews: list[Assessment]
    exposure: Exposure | None
    exposure_year: int | None
    crisis: Assessment | None = None
    trade: Assessment | None = None
    stories: list[Item] = field(default_factory=list)


def country_code_clean(code: str) -> str:
    """Return ``code`` as an upper-case ISO alpha-3 code; InvalidInput naming ``country`` otherwise."""
    cleaned = code.strip()
    if len(cleaned) != 3 or not cleaned.isascii() or not cleaned.isalpha():  # ASCII first: "ß".upper() is "SS"
        raise InvalidInput(_("Give an ISO 3166 alpha-3 country code."), errors={"country": [_("Unknown country.")]})
    return cleaned.upper()


def country_risk(*, actor: Actor, code: str) -> CountryRisk:
    """Return a country's reviewed risks, past reviews, related stories and trade exposure. Needs ``risk.view``.

    The stories come from the intelligence pipeline's search, so the viewer only sees items they may read
    (none for a non-reader). Raises InvalidInput for a malformed code and NotFound for a country no run has
    assessed.
    """
    access.require(actor, "risk.view")
    iso3 = country_code_clean(code)
    known = Assessment.objects.filter(country_iso3=iso3).order_by("-created_at").first()
    if known is None:
        raise NotFound(_("No assessment for this country."))
    reviewed = reviewed_list(actor=actor).filter(country_iso3=iso3).order_by("-reviewed_at").first()
    crisis = reviewed_list(actor=actor, kind=Kind.CRISIS).filter(country_iso3=iso3).order_by("-reviewed_at").first()
    trade = reviewed_list(actor=actor, kind=Kind.TRADE).filter(country_iso3=iso3).order_by("-reviewed_at").first()
    past = list(
        Assessment.objects.filter(country_iso3=iso3, kind=Kind.CONFLICT, reviewed_at__isnull=False)
        .exclude(status=Status.REJECTED)
        .order_by("-reviewed_at")[:12]
    )
    exposure, year = trade_exposure_for(iso3)
    conflict_named = Assessment.objects.filter(country_iso3=iso3, kind=Kind.CONFLICT).values_list(
        "country_name", flat=True
    )
    name = conflict_named.first() or known.country_name
    stories = list(item_search(actor=actor, filters=ItemFilters(country=iso3))[:STORIES])
    return CountryRisk(iso3, name, reviewed, past, exposure, year, crisis, trade, stories)


@lru_cache(maxsize=2)
def _trade(data: Path) -> TradeData | None:
    try:
        return trade_data_load(data)
    except DataError:
        return None


def trade_exposure_for(iso3: str, data: Path = DEMO_DATA) -> tuple[Exposure | None, int | None]:
    """Return Viet Nam's export exposure to the partner with ``iso3`` in the last data year (or None)."""
    trade = _trade(data)
    name = DOTS_NAMES.get(iso3)
    if trade is None or name is None:
        return None, None
    year = trade.last_year
    for row in exposure_table(trade, year):
        if row.partner == name:
            return row, year
    return None, year


def trade_partner_names() -> list[str]:
    """Return the DOTS partner names the scenario tool knows (exports above US$100 million last year)."""
    trade = _trade(DEMO_DATA)
    if trade is None:
        return []
    year = trade.last_year
    return sorted(p for p, t in trade.exports.items() if t.get(year, 0.0) > 100 and not math.isnan(t[year]))


def event_list(*, actor: Actor) -> QuerySet[AIEvent]:
    """Return the AI event log, newest first. Needs ``risk.review``."""
    access.require(actor, "risk.review")
    return AIEvent.objects.all()


def usecase_list(*, actor: Actor) -> QuerySet[UseCase]:
    """Return the use-case register. Needs ``risk.view``."""
    access.require(actor, "risk.view")
    return UseCase.objects.all()


def baseline_verdict(model_name: str) -> str:
    """Return the register's "beats its baselines?" line for ``model_name`` ("" when unregistered). Emits nothing."""
    found = UseCase.objects.filter(model_name=model_name).values_list("beats_baselines", flat=True).first()
    return found or ""


def usecase_csv(*, actor: Actor) -> str:
    """Return the use-case register as CSV text (header first). Needs ``risk.view``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["model", "purpose", "owner", "risk_tier", "impact_assessment", "beats_baselines", "updated_at"])
    for entry in usecase_list(actor=actor):
        writer.writerow(
            [
                entry.model_name,
                entry.purpose,
                entry.owner,
                entry.risk_tier,
                entry.impact_assessment,
                entry.beats_baselines,
                entry.updated_at.isoformat(),
            ]
        )
    return out.getvalue()


ORGANISATION_MEMBERS: dict[str, tuple[str, ...]] = {
    "ASEAN": ASEAN,
    "EU": EU27,
    "EAEU": AGREEMENTS["VN-EAEU"][1],
}
AGREEMENT_TYPE_KEYS = ("type:rta_entry", "type:rta_full")


def scenario_agreement_options(*, actor: Actor) -> list[tuple[str, str]]:
    """Return the scenario's "under agreement Z" choices: the two agreement types, then trade agreements in force.

    The agreements come from the agreements register (those the actor may see, in force, with ``trade`` among
    their subject areas), keyed ``agreement:<id>``. Needs ``risk.review``.
    """
    access.require(actor, "risk.review")
    options: list[tuple[str, str]] = [
        ("type:rta_entry", _("A new trade agreement of the average kind: first years in force")),
        ("type:rta_full", _("A trade agreement of the average kind after full phase-in (12 years)")),
    ]
    if access.can(actor, "agreements.view"):
        visible = agreement_list(actor=actor, filters=AgreementFilters(status=Stage.IN_FORCE))
        options.extend(
            (f"agreement:{agreement.pk}", f"{agreement.short_name} — {agreement.title_en}"[:120])
            for agreement in visible.order_by("short_name")
            if "trade" in (agreement.subject_areas or [])
        )
    return options


def scenario_agreement_choice(*, actor: Actor, key: str, partner: str) -> AgreementChoice | None:
    """Resolve a scenario option ``key`` for exports to ``partner`` (a DOTS name) into an :class:`AgreementChoice`.

    ``""`` means no agreement. For a register agreement the partner is a party when its country (or an
    organisation it belongs to: ASEAN, the EU, the EAEU) is; the year is Viet Nam's entry into force (the
    earliest recorded). Needs ``risk.review`` (and ``agreements.view`` for a register agreement); raises
    InvalidInput naming ``agreement`` for an unknown or hidden key.
    """
    access.require(actor, "risk.review")
    if not key:
        return None
    unknown = InvalidInput(_("Unknown agreement."), errors={"agreement": [_("Choose an agreement from the list.")]})
    if key in AGREEMENT_TYPE_KEYS:
        effect, label = AGREEMENT_TYPES[key.removeprefix("type:")]
        return AgreementChoice(label, effect)
    prefix, _sep, raw_id = key.partition(":")
    if prefix != "agreement" or not raw_id.isdigit():
        raise unknown
    try:
        profile = agreement_profile(actor=actor, agreement_id=int(raw_id))
    except (NotFound, PermissionDenied):
        raise unknown from None
    if "trade" not in (profile.agreement.subject_areas or []):
        raise InvalidInput(
            _("This agreement is not a trade agreement."), errors={"agreement": [_("Choose a trade agreement.")]}
        )
    iso3 = ISO3_BY_PARTNER.get(partner, "")
    alpha2 = _alpha2(iso3)
    is_party = False
    vn_years: list[int] = []
    for record in profile.parties:
        party = record.party
        if party.country_code and party.country_code.upper() == alpha2:
            is_party = True
        if party.organisation_code and partner in ORGANISATION_MEMBERS.get(party.organisation_code.upper(), ()):
            is_party = True
        if party.country_code.upper() == "VN" or party.organisation_code.upper() == "ASEAN":
            vn_years.extend(event.date.year for event in record.entry_into_force)
    vn_years.extend(e.date.year for e in profile.timeline if e.party_id is None and e.kind == "entry_into_force")
    return AgreementChoice(
        profile.agreement.short_name, "entry", min(vn_years) if vn_years else None, partner_is_party=is_party
    )


def _alpha2(iso3: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return str(country.alpha_2) if country is not None else ""
