"""Cut the small demo extracts of src/chancery/risk/demo_data from a directory laid out like ../shared/data.

Usage: python tools/risk_demo_extract.py SHARED_DATA_DIR
Keeps only the columns and years the conflict model and the trade exposure read; see demo_data/README.md.
"""

from __future__ import annotations

import csv
import math
import shutil
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "chancery" / "risk" / "demo_data"
VIEWS_COLUMNS = [
    "month_id",
    "country_id",
    "gleditsch_ward",
    "ged_sb",
    "ged_sb_tsum_24",
    *(f"ged_sb_tlag_{k}" for k in range(1, 7)),
    "wdi_sp_pop_totl",
    "wdi_ny_gdp_pcap_kd",
    "vdem_v2x_libdem",
]
FIRST_TRADE_YEAR = 1994
WORLD_ID = 9999


def _copy_columns(source: Path, target: Path, columns: list[str], keep: object = None) -> None:
    with source.open(newline="", encoding="utf-8") as handle, target.open("w", newline="", encoding="utf-8") as out:
        reader = csv.DictReader(handle)
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in reader:
            if keep is None or keep(row):  # type: ignore[operator]
                writer.writerow([_short(row.get(c, "")) for c in columns])


def _short(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:.6g}" if math.isfinite(value) else ""


def views(src: Path) -> None:
    """Keep the conflict model's columns of views-cm and the annual deaths from 1989."""
    folder = OUT / "views-cm"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "views-cm" / "country_key.csv", folder / "country_key.csv")
    _copy_columns(
        src / "views-cm" / "cm_features_global_2018_2020.csv",
        folder / "cm_features_global_2018_2020.csv",
        VIEWS_COLUMNS,
    )
    ucdp = OUT / "ucdp-conflict-country-year"
    ucdp.mkdir(exist_ok=True)
    _copy_columns(
        src / "ucdp-conflict-country-year" / "country_year_panel.csv",
        ucdp / "country_year_panel.csv",
        ["gwcode", "year", "best"],
        keep=lambda r: int(r["year"]) >= 1989,
    )


def dots(src: Path) -> None:
    """Keep Viet Nam's flows and one growth-index series per partner for the rest of the world."""
    folder = OUT / "imf-dots-exports"
    folder.mkdir(parents=True, exist_ok=True)
    with (src / "imf-dots-exports" / "entities.csv").open(newline="", encoding="utf-8") as handle:
        entities = list(csv.DictReader(handle))
    vietnam = next(e["entity_id"] for e in entities if e["name"] == "Vietnam")
    aggregate = {e["entity_id"] for e in entities if e["is_aggregate"].strip() == "1"}
    kept: list[list[str]] = []
    flows: dict[str, dict[str, dict[int, float]]] = {}
    with (src / "imf-dots-exports" / "exports_fob_usd_mn_1960_2017.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for row in reader:
            year = int(float(row["year"]))
            if year < FIRST_TRADE_YEAR:
                continue
            if vietnam in (row["reporter_id"], row["partner_id"]):
                kept.append([row["reporter_id"], row["partner_id"], str(year), _short(row["exports_fob_usd_mn"])])
            elif row["reporter_id"] not in aggregate and row["partner_id"] not in aggregate:
                try:
                    value = float(row["exports_fob_usd_mn"])
                except ValueError:
                    continue
                flows.setdefault(row["partner_id"], {}).setdefault(row["reporter_id"], {})[year] = value
    # One index series per partner for the rest of the world's exports to it, chained from matched growth,
    # so the loader's matched growth of the partner's imports is kept without shipping every bilateral flow.
    for partner, by_reporter in flows.items():
        level = 100.0
        for year in range(FIRST_TRADE_YEAR, 2018):
            now = before = 0.0
            for table in by_reporter.values():
                if table.get(year, 0) > 0 and table.get(year - 1, 0) > 0:
                    now += table[year]
                    before += table[year - 1]
            if year > FIRST_TRADE_YEAR and now > 0 and before > 0:
                level *= now / before
            kept.append([str(WORLD_ID), partner, str(year), f"{level:.6g}"])
    with (folder / "exports_fob_usd_mn_1994_2017.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["reporter_id", "partner_id", "year", "exports_fob_usd_mn"])
        writer.writerows(kept)
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["entity_id", "name", "is_aggregate", "has_reporter_file"])
        for e in entities:
            writer.writerow([e["entity_id"], e["name"], e["is_aggregate"], e["has_reporter_file"]])
        writer.writerow([WORLD_ID, "Rest of world (growth index, demo extract)", "0", "0"])
    del header


def fx_and_commodities(src: Path) -> None:
    """Keep the annual exchange rates and a few commodity price series."""
    fx = OUT / "fred-exchange-rates"
    fx.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "fred-exchange-rates" / "fx_annual.csv", fx / "fx_annual.csv")
    co = OUT / "imf-commodity-prices"
    co.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "imf-commodity-prices" / "pcps_series_dictionary.csv", co / "pcps_series_dictionary.csv")
    _copy_columns(
        src / "imf-commodity-prices" / "pcps_monthly_1990_2020.csv",
        co / "pcps_monthly_1990_2020.csv",
        ["date", "PCOFFROB", "PCOFFOTM", "PRICENPQ", "PRUBB", "PSHRI", "POILAPSP_USD", "PCOAL"],
    )


def wdi(src: Path) -> None:
    """Keep World Bank CPI inflation and GDP (CC BY 4.0) for the currencies the crisis model reads.

    Only the countries of the FRED exchange rates (and the euro area's members' codes) plus the United States,
    so the currency-crash model trains on redistributable data (never on jst-macrohistory, CC BY-NC-SA).
    """
    from chancery_analytics.forecast.crises import FRED_ISO

    keep = {*FRED_ISO.values(), "USA", "VNM"}
    folder = OUT / "wdi-gdp-inflation"
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in (
        ("gdp_current_usd.csv", ["Country Name", "Country Code", "Year", "Value"]),
        ("inflation_consumer_prices_pct.csv", ["Country", "Country Code", "Year", "Inflation"]),
    ):
        _copy_columns(src / "wdi-gdp-inflation" / name, folder / name, columns, lambda r: r["Country Code"] in keep)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    views(source)
    dots(source)
    fx_and_commodities(source)
    wdi(source)
    for name in (
        "wdi-gdp-inflation",
        "views-cm",
        "ucdp-conflict-country-year",
        "imf-dots-exports",
        "fred-exchange-rates",
        "imf-commodity-prices",
    ):
        shutil.copy(source / name / "SOURCE.md", OUT / name / "SOURCE.md")
