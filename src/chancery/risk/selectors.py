"""Reads of the risk app. The leadership view only ever sees reviewed assessments."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound
from chancery.risk.engine import DEMO_DATA
from chancery.risk.models import REVIEWED, AIEvent, Assessment, Status, UseCase
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.trade import Exposure, TradeData, exposure_table, trade_data_load


def reviewed_list(*, actor: Actor) -> QuerySet[Assessment]:
    """Return the current reviewed (accepted or adjusted) assessment of each country. Needs ``risk.view``."""
    access.require(actor, "risk.view")
    return Assessment.objects.filter(status__in=REVIEWED).order_by("country_name")


def draft_list(*, actor: Actor) -> QuerySet[Assessment]:
    """Return the drafts awaiting review, highest model probability first. Needs ``risk.review``."""
    access.require(actor, "risk.review")
    return Assessment.objects.filter(status=Status.DRAFT).order_by("-probability", "country_name")


def draft_get(*, actor: Actor, assessment_id: int) -> Assessment:
    """Return one assessment of any status for a reviewer. Needs ``risk.review``; NotFound otherwise."""
    access.require(actor, "risk.review")
    found = Assessment.objects.filter(pk=assessment_id).first()
    if found is None:
        raise NotFound
    return found


@dataclass
class CountryRisk:
    """What the country page shows: the reviewed assessment (if any), its history and the trade exposure."""

    iso3: str
    name: str
    reviewed: Assessment | None
    past_reviews: list[Assessment]
    exposure: Exposure | None
    exposure_year: int | None


def country_code_clean(code: str) -> str:
    """Return ``code`` as an upper-case ISO alpha-3 code; InvalidInput naming ``country`` otherwise."""
    cleaned = code.strip().upper()
    if len(cleaned) != 3 or not cleaned.isascii() or not cleaned.isalpha():
        raise InvalidInput(_("Give an ISO 3166 alpha-3 country code."), errors={"country": [_("Unknown country.")]})
    return cleaned


def country_risk(*, actor: Actor, code: str) -> CountryRisk:
    """Return a country's reviewed risk, past reviews and trade exposure. Needs ``risk.view``.

    Raises InvalidInput for a malformed code and NotFound for a country no run has assessed.
    """
    access.require(actor, "risk.view")
    iso3 = country_code_clean(code)
    known = Assessment.objects.filter(country_iso3=iso3).order_by("-created_at").first()
    if known is None:
        raise NotFound(_("No assessment for this country."))
    reviewed = reviewed_list(actor=actor).filter(country_iso3=iso3).order_by("-reviewed_at").first()
    past = list(
        Assessment.objects.filter(country_iso3=iso3, reviewed_at__isnull=False)
        .exclude(status=Status.REJECTED)
        .order_by("-reviewed_at")[:12]
    )
    exposure, year = trade_exposure_for(iso3)
    return CountryRisk(iso3, known.country_name, reviewed, past, exposure, year)


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


DOTS_NAMES: dict[str, str] = {
    "AUS": "Australia",
    "AUT": "Austria",
    "BEL": "Belgium",
    "BGD": "Bangladesh",
    "BRA": "Brazil",
    "BRN": "Brunei Darussalam",
    "CAN": "Canada",
    "CHE": "Switzerland",
    "CHL": "Chile",
    "CHN": "China, P.R.: Mainland",
    "DEU": "Germany",
    "DNK": "Denmark",
    "EGY": "Egypt, Arab Rep. of",
    "ESP": "Spain",
    "FIN": "Finland",
    "FRA": "France",
    "GBR": "United Kingdom",
    "GRC": "Greece",
    "IDN": "Indonesia",
    "IND": "India",
    "IRL": "Ireland",
    "ISR": "Israel",
    "ITA": "Italy",
    "JPN": "Japan",
    "KHM": "Cambodia",
    "KOR": "Korea, Rep. of",
    "LAO": "Lao People's Dem. Rep.",
    "MEX": "Mexico",
    "MMR": "Myanmar",
    "MYS": "Malaysia",
    "NLD": "Netherlands, The",
    "NOR": "Norway",
    "NZL": "New Zealand",
    "PAK": "Pakistan",
    "PER": "Peru",
    "PHL": "Philippines",
    "POL": "Poland, Rep. of",
    "PRT": "Portugal",
    "RUS": "Russian Federation",
    "SAU": "Saudi Arabia",
    "SGP": "Singapore",
    "SWE": "Sweden",
    "THA": "Thailand",
    "TUR": "Turkey",
    "UKR": "Ukraine",
    "USA": "United States",
    "ZAF": "South Africa",
    "ARE": "United Arab Emirates",
    "NGA": "Nigeria",
    "IRN": "Iran, Islamic Rep. of",
    "IRQ": "Iraq",
}
