"""PPML gravity for trade-agreement effects: recovers known effects, reads committed parameters, refuses bad data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.gravity import (
    PARAMS,
    RTA_TERMS,
    YEARS,
    gravity_fit,
    gravity_load,
    gravity_params,
    gravity_write,
)
from tests.analytics.forecast.conftest import write_csv

HEADER = ["exporter", "importer", "pair_id", "year", "trade", "dist", "cntg", "lang", "clny", *RTA_TERMS]
ENTRY, LAG4 = 0.3, 0.2


def build_gravity(root: Path, *, countries: int = 14, seed: int = 3) -> None:
    """Poisson trade from exporter-year, importer-year and pair effects plus known RTA effects, two files."""
    rng = np.random.default_rng(seed)
    names = [f"C{i:02d}" for i in range(countries)]
    pair_effect = {(a, b): rng.normal(0, 1) for a in names for b in names}
    exp_year = {(a, y): rng.normal(0, 0.3) for a in names for y in YEARS}
    imp_year = {(b, y): rng.normal(0, 0.3) for b in names for y in YEARS}
    starts = {(a, b): rng.choice([1990, 1994, 1998, 9999]) for a in names for b in names if a < b}
    rows: dict[bool, list[list[object]]] = {True: [], False: []}
    for a in names:
        for b in names:
            start = starts.get((min(a, b), max(a, b)), 9999) if a != b else 9999
            for year in YEARS:
                terms = [1.0 if year - lag >= start else 0.0 for lag in (0, 4, 8, 12)]
                border = 0.0 if a == b else -1.0
                eta = 6 + pair_effect[(a, b)] + exp_year[(a, year)] + imp_year[(b, year)] + border
                eta += ENTRY * terms[0] + LAG4 * terms[1]
                trade = float(rng.poisson(math.exp(eta)))
                rows[year <= 1994].append([a, b, 1, f"{year}.0", trade, 100, 0, 0, 0, *terms])
    # an off-interval year and a malformed row, both skipped
    rows[True].append(["C00", "C01", 1, "1987.0", 5.0, 1, 0, 0, 0, 0, 0, 0, 0])
    rows[True].append(["C00", "C01", 1, "year", "lots", 1, 0, 0, 0, 0, 0, 0, 0])
    folder = root / "yotov-gravity-rta"
    write_csv(folder / "agtpa_bilateral_trade_rta_1986_1994.csv", HEADER, rows[True])
    write_csv(folder / "agtpa_bilateral_trade_rta_1998_2006.csv", HEADER, rows[False])


def test_ppml_recovers_known_agreement_effects(tmp_path: Path) -> None:
    build_gravity(tmp_path)
    fit = gravity_fit(tmp_path)
    assert fit.observations == 14 * 14 * len(YEARS)
    assert fit.countries == 14
    assert fit.coefficients["rta"] == pytest.approx(ENTRY, abs=0.05)
    assert fit.coefficients["rta_lag4"] == pytest.approx(LAG4, abs=0.05)
    assert fit.full.value == pytest.approx(sum(fit.coefficients.values()), abs=1e-5)
    assert 0 < fit.entry.se < 0.1
    low, high = fit.entry.interval()
    assert low < fit.entry.value < high
    out = tmp_path / "params.json"
    gravity_write(fit, out)
    again = gravity_params(out)
    assert again.entry == fit.entry
    assert again.coefficients == fit.coefficients


def test_the_committed_parameters_are_the_documented_estimate() -> None:
    fit = gravity_params(PARAMS)
    assert fit.years == list(YEARS)
    assert fit.countries == 69
    assert fit.entry.value == pytest.approx(0.122113)
    assert fit.full.value == pytest.approx(0.482508)
    assert fit.full.se == pytest.approx(0.085763)
    assert "CC BY 4.0" in fit.source
    covariance = np.array(fit.covariance)
    assert covariance.shape == (4, 4)
    assert np.allclose(covariance, covariance.T)
    assert fit.entry.se == pytest.approx(math.sqrt(covariance[0, 0]), rel=1e-4)


def test_missing_or_thin_data_and_broken_parameters_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        gravity_fit(tmp_path)
    write_csv(tmp_path / "yotov-gravity-rta" / "agtpa_bilateral_trade_rta.csv", HEADER, [])
    with pytest.raises(DataError, match="usable rows"):
        gravity_load(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"method": "x"}), encoding="utf-8")
    with pytest.raises(DataError, match="cannot read the RTA parameters"):
        gravity_params(broken)
    with pytest.raises(DataError):
        gravity_params(tmp_path / "missing.json")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ARG", "AUS", "", "A,B"]),
            st.sampled_from(["1986.0", "1990", "2006.5", "x", "", "-1e9"]),
            st.sampled_from(["12.5", "-3", "", "nan", "inf", "abc"]),
            st.sampled_from(["0", "1", "", "yes"]),
        ),
        max_size=25,
    )
)
def test_the_loader_never_crashes_on_malformed_rows(rows: list[tuple[str, str, str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_csv(
            root / "yotov-gravity-rta" / "agtpa_bilateral_trade_rta.csv",
            HEADER,
            [[e, "AUS", 1, y, t, 1, 0, 0, 0, r, 0, 0, 0] for e, y, t, r in rows],
        )
        with pytest.raises(DataError):
            gravity_load(root)  # never enough usable rows: a clear error, never a crash


def test_the_gravity_command_prints_and_writes_the_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from chancery.cli import main

    build_gravity(tmp_path)
    out = tmp_path / "rta.json"
    assert main(["forecast", "gravity", "--data", str(tmp_path), "--write", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["entry"]["value"] == pytest.approx(ENTRY, abs=0.05)
    assert gravity_params(out).entry.value == printed["entry"]["value"]
    assert main(["forecast", "gravity", "--data", str(tmp_path / "nowhere")]) == 2
