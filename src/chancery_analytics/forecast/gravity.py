"""The average trade effect of a regional trade agreement (RTA), estimated by PPML gravity (no Django).

Data: ``yotov-gravity-rta`` (Yotov, Piermartini, Monteiro & Larch 2016, *An Advanced Guide to Trade Policy
Analysis*, WTO/UNCTAD; CC BY 4.0): manufacturing trade among 69 countries, 1986-2006, domestic flows
included. The specification follows the Guide's chapter 1 application on RTA effects:

    X_ij,t = exp(pi_i,t + chi_j,t + mu_ij + b0 RTA_ij,t + b4 RTA_ij,t-4 + b8 RTA_ij,t-8 + b12 RTA_ij,t-12
                 + sum_t g_t BRDR_ij x year_t) * e_ij,t

on four-year intervals (1986, 1990, ..., 2006), by Poisson pseudo-maximum likelihood with exporter-year,
importer-year and pair fixed effects (swept out by weighted alternating projections inside the IRLS loop,
as in ``ppmlhdfe``) and international-border-by-year terms for globalisation. Standard errors are
clustered by pair. ``entry`` is b0 (the effect within the first four years in force); ``full`` is
b0 + b4 + b8 + b12 (the cumulative effect after twelve years), with its standard error from the covariance.
Observations in a fixed-effect group with no trade at all are dropped first (they carry no information
and would push that effect to minus infinity).

The fitted parameters are small and committed as ``params/rta_gravity.json`` (derived from CC BY 4.0 data,
with attribution in NOTICE); ``chancery forecast gravity --data DIR`` re-estimates them.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast.data import DataError, parse_float, table_read

Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int_]
FOLDER = "yotov-gravity-rta"
STEM = "agtpa_bilateral_trade_rta"
YEARS = (1986, 1990, 1994, 1998, 2002, 2006)
RTA_TERMS = ("rta", "rta_lag4", "rta_lag8", "rta_lag12")
PARAMS = Path(__file__).resolve().parent / "params" / "rta_gravity.json"
Z80 = 1.2816


@dataclass(frozen=True)
class RtaEffect:
    """One RTA effect in log points of trade with its (pair-clustered) standard error."""

    value: float
    se: float

    def interval(self, z: float = Z80) -> tuple[float, float]:
        """Return the central interval in log points (80 % by default)."""
        return self.value - z * self.se, self.value + z * self.se

    @property
    def percent(self) -> float:
        """The effect as a percentage change of trade."""
        return 100.0 * math.expm1(self.value)


@dataclass(frozen=True)
class GravityFit:
    """The fitted PPML gravity: RTA coefficients, their covariance, the two effects and the sample."""

    method: str
    years: list[int]
    observations: int
    pairs: int
    countries: int
    dropped: int
    iterations: int
    coefficients: dict[str, float]
    covariance: list[list[float]]
    entry: RtaEffect
    full: RtaEffect
    source: str

    def to_json(self) -> dict[str, Any]:
        """Return the fit as JSON-ready data (what ``params/rta_gravity.json`` holds)."""
        return asdict(self)


def gravity_load(data: Path) -> tuple[list[tuple[str, str, int]], Matrix, Matrix]:
    """Read the four-year-interval rows: (exporter, importer, year) keys, trade, and the regressors.

    Regressors: the four RTA terms, then international border x year for each year but the first.
    Malformed rows are skipped. Raises :class:`DataError` when the folder or its columns are missing or
    fewer than 1,000 rows remain.
    """
    needed = ["exporter", "importer", "year", "trade", *RTA_TERMS]
    rows, _report = table_read(data / FOLDER, STEM, needed)
    keys: list[tuple[str, str, int]] = []
    trade: list[float] = []
    x: list[list[float]] = []
    for row in rows:
        raw_year = parse_float(row["year"])
        year = int(raw_year) if raw_year is not None and raw_year.is_integer() else None
        value = parse_float(row["trade"])
        terms = [parse_float(row[name]) for name in RTA_TERMS]
        if year not in YEARS or value is None or value < 0 or any(t is None for t in terms):
            continue
        exporter, importer = row["exporter"].strip(), row["importer"].strip()
        border = [1.0 if exporter != importer and year == y else 0.0 for y in YEARS[1:]]
        keys.append((exporter, importer, year))
        trade.append(value)
        x.append([float(t or 0.0) for t in terms] + border)
    if len(keys) < 1000:
        raise DataError(f"{FOLDER}: only {len(keys)} usable rows in the years {YEARS}")
    return keys, np.array(trade), np.array(x)


def _groups(keys: list[tuple[str, str, int]]) -> list[Labels]:
    out: list[Labels] = []
    for first, second in ((0, 2), (1, 2), (0, 1)):
        values = [(k[first], k[second]) for k in keys]
        index = {value: i for i, value in enumerate(dict.fromkeys(values))}
        out.append(np.array([index[v] for v in values]))
    return out


def _informative(groups: list[Labels], y: Matrix) -> npt.NDArray[np.bool_]:
    keep = np.ones(len(y), dtype=bool)
    while True:
        before = int(keep.sum())
        for g in groups:
            totals = np.bincount(g[keep], y[keep], minlength=int(g.max()) + 1)
            keep &= totals[g] > 0
        if int(keep.sum()) == before:
            return keep


def _demean(values: Matrix, groups: list[Labels], weights: Matrix, tolerance: float = 1e-9) -> Matrix:
    """Sweep the fixed effects out of each column of ``values`` (weighted alternating projections)."""
    out = values.copy()
    sums = [np.bincount(g, weights) for g in groups]
    for _ in range(500):
        largest = 0.0
        for g, total in zip(groups, sums, strict=True):
            for column in range(out.shape[1]):
                means = np.bincount(g, weights * out[:, column]) / total
                out[:, column] -= means[g]
                largest = max(largest, float(np.abs(means).max()))
        if largest < tolerance:
            break
    return out


def gravity_fit(data: Path, *, max_iter: int = 50, tolerance: float = 1e-8) -> GravityFit:
    """Estimate the RTA effects by PPML with exporter-year, importer-year and pair fixed effects.

    Needs ``yotov-gravity-rta`` in ``data``. Raises :class:`DataError` for missing or unusable data and
    ValueError when IRLS does not converge within ``max_iter`` iterations.
    """
    keys, y_all, x_all = gravity_load(data)
    groups_all = _groups(keys)
    keep = _informative(groups_all, y_all)
    kept_keys = [k for k, flag in zip(keys, keep, strict=True) if flag]
    groups = _groups(kept_keys)
    y, x = y_all[keep], x_all[keep]
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    deviance = math.inf
    tilde_x = x
    iteration = 0
    for step in range(1, max_iter + 1):
        iteration = step
        z = eta + (y - mu) / mu
        both = _demean(np.column_stack([z, x]), groups, mu)
        tilde_z, tilde_x = both[:, 0], both[:, 1:]
        weighted = tilde_x * mu[:, None]
        beta = np.linalg.solve(tilde_x.T @ weighted, weighted.T @ tilde_z)
        eta = z - (tilde_z - tilde_x @ beta)
        mu = np.exp(np.clip(eta, -700, 700))
        positive = y > 0
        new_deviance = 2.0 * float(np.sum(y[positive] * np.log(y[positive] / mu[positive])) - np.sum(y - mu))
        if abs(new_deviance - deviance) / max(1.0, abs(new_deviance)) < tolerance:
            deviance = new_deviance
            break
        deviance = new_deviance
    else:
        raise ValueError(f"PPML did not converge in {max_iter} iterations")
    bread = np.linalg.inv(tilde_x.T @ (tilde_x * mu[:, None]))
    scores = tilde_x * (y - mu)[:, None]
    pairs = groups[2]
    n_pairs = int(pairs.max()) + 1
    clustered = np.vstack([np.bincount(pairs, scores[:, k], minlength=n_pairs) for k in range(x.shape[1])]).T
    meat = clustered.T @ clustered * n_pairs / max(1, n_pairs - 1)
    covariance = bread @ meat @ bread
    k = len(RTA_TERMS)
    rta_cov = covariance[:k, :k]
    ones = np.ones(k)
    full_value = float(beta[:k].sum())
    full_se = math.sqrt(float(ones @ rta_cov @ ones))
    countries = {key[0] for key in kept_keys} | {key[1] for key in kept_keys}
    return GravityFit(
        method="PPML, exporter-year + importer-year + pair fixed effects, border x year, pair-clustered SE",
        years=list(YEARS),
        observations=len(y),
        pairs=n_pairs,
        countries=len(countries),
        dropped=int((~keep).sum()),
        iterations=iteration,
        coefficients={name: round(float(b), 6) for name, b in zip(RTA_TERMS, beta[:k], strict=True)},
        covariance=[[round(float(v), 10) for v in row] for row in rta_cov],
        entry=RtaEffect(round(float(beta[0]), 6), round(math.sqrt(float(rta_cov[0, 0])), 6)),
        full=RtaEffect(round(full_value, 6), round(full_se, 6)),
        source=(
            "yotov-gravity-rta: Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy "
            "Analysis, WTO/UNCTAD; via pachadotdev/tradepolicy (CC BY 4.0)"
        ),
    )


def gravity_params(path: Path = PARAMS) -> GravityFit:
    """Read the committed RTA parameters; raises :class:`DataError` when the file is missing or malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return GravityFit(
            method=str(raw["method"]),
            years=[int(y) for y in raw["years"]],
            observations=int(raw["observations"]),
            pairs=int(raw["pairs"]),
            countries=int(raw["countries"]),
            dropped=int(raw["dropped"]),
            iterations=int(raw["iterations"]),
            coefficients={str(k): float(v) for k, v in raw["coefficients"].items()},
            covariance=[[float(v) for v in row] for row in raw["covariance"]],
            entry=RtaEffect(float(raw["entry"]["value"]), float(raw["entry"]["se"])),
            full=RtaEffect(float(raw["full"]["value"]), float(raw["full"]["se"])),
            source=str(raw["source"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError(f"cannot read the RTA parameters at {path}: {error}") from error


def gravity_write(fit: GravityFit, path: Path = PARAMS) -> None:
    """Write ``fit`` as the committed parameters file (sorted keys, indented)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fit.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
