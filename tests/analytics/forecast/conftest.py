"""Small synthetic data directories laid out like ../shared/data (same folders, files and columns)."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def build_conflict(root: Path) -> None:
    """Six countries, 1990-01 .. 1994-12, the global table split over two files; one unknown country row."""
    folder = root / "views-cm"
    write_csv(folder / "country_key.csv", ["id", "name", "gwcode"], [[i, f"Country {i}", 600 + i] for i in range(1, 7)])
    rng = random.Random(7)
    header = [
        "month_id",
        "country_id",
        "gleditsch_ward",
        "ged_sb",
        "ged_sb_tsum_24",
        "wdi_sp_pop_totl",
        "wdi_ny_gdp_pcap_kd",
        "vdem_v2x_libdem",
    ]
    early: list[list[object]] = []
    late: list[list[object]] = []
    for cid in range(1, 7):
        level = {1: 300.0, 2: 60.0, 3: 5.0}.get(cid, 0.0)
        for month in range(121, 181):
            deaths = (
                max(0, int(rng.gauss(level, level / 2))) if level else (30 if (cid == 4 and month in (170, 171)) else 0)
            )
            row: list[object] = [month, cid, 600 + cid, deaths, "", 1e6 * cid, 1000 * cid, 0.1 * cid]
            (early if month < 157 else late).append(row)
    early.append([130, 99, 999, 5, "", "", "", ""])  # unknown country
    early.append(["not-a-month", 1, 601, 5, "", "", "", ""])  # malformed
    write_csv(folder / "cm_features_global_1990_1992.csv", header, early)
    write_csv(folder / "cm_features_global_1993_1994.csv", header, late)


def build_crises(root: Path) -> None:
    """Four JST economies 1950-2000 with credit booms before crises; LV events; FRED annual rates; WDI."""
    rng = random.Random(3)
    header = [
        "year",
        "country",
        "iso",
        "gdp",
        "tloans",
        "cpi",
        "rgdpbarro",
        "hpnom",
        "ca",
        "stir",
        "ltrate",
        "crisisJST",
    ]
    rows: list[list[object]] = []
    crises = {"Alpha": {1960, 1975, 1990}, "Beta": {1968, 1984, 1998}, "Gamma": {1972, 1994}, "Delta": {1980}}
    for country, starts in crises.items():
        credit = 50.0
        for year in range(1950, 2001):
            boom = any(0 < s - year <= 4 for s in starts)
            credit *= 1.12 if boom else 1.0 + rng.uniform(-0.02, 0.03)
            rows.append(
                [
                    year,
                    country,
                    country[:3].upper(),
                    100.0 * 1.05 ** (year - 1950),
                    credit * 1.05 ** (year - 1950),
                    1.03 ** (year - 1950),
                    100 * 1.02 ** (year - 1950),
                    1.04 ** (year - 1950),
                    -1.0,
                    4.0,
                    5.0,
                    1 if year in starts and year < 1970 else 0,
                ]
            )
    write_csv(root / "jst-macrohistory" / "JSTdatasetR6_1870_2000.csv", header, rows)
    lv = [[c, "banking", s, ""] for c, starts in crises.items() for s in starts if s >= 1970]
    write_csv(
        root / "laeven-valencia-crises" / "sbcd_crisis_events_1970_2000.csv", ["country", "type", "year", "month"], lv
    )
    fx: list[list[object]] = []
    for country in ("Thailand", "Mexico", "Japan"):
        rate = 10.0
        for year in range(1971, 2001):
            crash = (country == "Thailand" and year in (1980, 1997)) or (
                country == "Mexico" and year in (1976, 1987, 1995)
            )
            rate *= 1.6 if crash else 1.0 + rng.uniform(-0.05, 0.05)
            fx.append([f"{year}-01-01", country, round(rate, 6)])
    write_csv(root / "fred-exchange-rates" / "fx_annual.csv", ["Date", "Country", "Exchange rate"], fx)
    infl = [["Thailand", "THA", y, 5.0] for y in range(1971, 2001)] + [
        ["United States", "USA", y, 3.0] for y in range(1971, 2001)
    ]
    write_csv(
        root / "wdi-gdp-inflation" / "inflation_consumer_prices_pct.csv",
        ["Country", "Country Code", "Year", "Inflation"],
        infl,
    )
    write_csv(
        root / "wdi-gdp-inflation" / "gdp_current_usd.csv",
        ["Country Name", "Country Code", "Year", "Value"],
        [["Thailand", "THA", y, 1e9 * y] for y in range(1971, 2001)],
    )


def build_trade(root: Path) -> None:
    """Viet Nam (id 1) exporting to five partners and an aggregate, 1990-2017, split over two files."""
    folder = root / "imf-dots-exports"
    names = ["Vietnam", "Japan", "Korea, Rep. of", "Germany", "Chile", "Thailand", "World"]
    write_csv(
        folder / "entities.csv",
        ["entity_id", "name", "is_aggregate", "has_reporter_file"],
        [[i + 1, n, 1 if n == "World" else 0, 1] for i, n in enumerate(names)],
    )
    rng = random.Random(5)
    early: list[list[object]] = []
    late: list[list[object]] = []
    for partner in range(2, 8):
        value = 50.0 * partner
        for year in range(1990, 2018):
            value *= math.exp(0.08 + rng.gauss(0, 0.15))
            (early if year < 2010 else late).append([1, partner, year, round(value, 4)])
            early.append([partner, 2, year, 100.0]) if partner != 7 and year < 2010 else None
    early.extend([2, 1, year, 100.0] for year in range(1990, 2010))  # Japan's reported exports to Viet Nam
    early.append([1, 2, "bad", 5])
    write_csv(
        folder / "exports_fob_usd_mn_1960_2009.csv", ["reporter_id", "partner_id", "year", "exports_fob_usd_mn"], early
    )
    write_csv(
        folder / "exports_fob_usd_mn_2010_2017.csv", ["reporter_id", "partner_id", "year", "exports_fob_usd_mn"], late
    )
    fx = [[f"{y}-01-01", "Japan", 100 * math.exp(rng.gauss(0, 0.1))] for y in range(1990, 2018)]
    write_csv(root / "fred-exchange-rates" / "fx_annual.csv", ["Date", "Country", "Exchange rate"], fx)
    prices = [[f"{y}-{m:02d}-01", 100 * (1.1 if y % 2 else 0.9)] for y in range(1990, 2018) for m in range(1, 13)]
    write_csv(root / "imf-commodity-prices" / "pcps_monthly_1990_2017.csv", ["date", "PCOFFROB"], prices)
    gravity: list[list[object]] = []
    for exporter in "ABCD":
        for importer in "ABCD":
            for year in range(1986, 2007):
                rta = 1.0 if {exporter, importer} == {"A", "B"} and year >= 1995 else 0.0
                trade = math.exp(5 + 0.4 * rta + rng.gauss(0, 0.05))
                gravity.append([exporter, importer, f"{year}.0", trade, rta])
    write_csv(
        root / "yotov-gravity-rta" / "agtpa_bilateral_trade_rta_1986_2006.csv",
        ["exporter", "importer", "year", "trade", "rta"],
        gravity,
    )


@pytest.fixture(scope="session")
def conflict_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("conflict")
    build_conflict(root)
    return root


@pytest.fixture(scope="session")
def crises_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crises")
    build_crises(root)
    return root


@pytest.fixture(scope="session")
def trade_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trade")
    build_trade(root)
    return root
