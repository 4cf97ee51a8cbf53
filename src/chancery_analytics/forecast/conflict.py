"""Conflict country-month: predictive distribution of state-based fatalities and incidence/onset probabilities.

The model (:class:`ConflictModel`) has two parts fitted on every (country, origin, step) known at the
origin: gradient-boosted quantile regressions on log1p fatalities (ten quantile levels, used as ten
equally weighted samples so CRPS can be computed, pooled with the last 12 observed months) and an L2
logistic regression for incidence (>= 25
deaths) whose per-feature contributions explain each probability. "Onset after quiet" is the incidence
probability of a country with no deaths in the 24 months to the origin. Baselines: zero, persistence
(the last month) and conflictology (the last 12 months as the distribution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingRegressor  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chancery_analytics.forecast.conflict_data import ConflictPanel, log1p_safe, years_since_conflict
from chancery_analytics.forecast.explain import Driver, drivers_from_contributions

Matrix = npt.NDArray[np.float64]
INCIDENCE = 25.0
QUANTILES = tuple((k + 0.5) / 10 for k in range(10))
FEATURES = (
    "log_last",
    "log_lag1",
    "log_lag2",
    "log_mean3",
    "log_mean12",
    "log_max12",
    "share25_12",
    "log_sum24",
    "step",
    "log_annual_last_year",
    "years_since_conflict",
    "log_population",
    "log_gdp_per_capita",
    "liberal_democracy",
)
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "log_last": ("deaths in the last observed month", "số người chết trong tháng gần nhất"),
    "log_lag1": ("deaths one month before that", "số người chết một tháng trước đó"),
    "log_lag2": ("deaths two months before that", "số người chết hai tháng trước đó"),
    "log_mean3": ("deaths over the last 3 months", "số người chết trong 3 tháng gần nhất"),
    "log_mean12": ("deaths over the last 12 months", "số người chết trong 12 tháng gần nhất"),
    "log_max12": ("the worst month of the last 12", "tháng tồi tệ nhất trong 12 tháng qua"),
    "share25_12": ("months with 25+ deaths in the last 12", "số tháng có từ 25 người chết trong 12 tháng qua"),
    "log_sum24": ("deaths over the last 24 months", "số người chết trong 24 tháng qua"),
    "step": ("how far ahead the forecast looks", "khoảng cách dự báo"),
    "log_annual_last_year": ("battle deaths last calendar year", "số người chết trong chiến sự năm trước"),
    "years_since_conflict": ("years since the last conflict year", "số năm kể từ năm xung đột gần nhất"),
    "log_population": ("population", "dân số"),
    "log_gdp_per_capita": ("income per person", "thu nhập bình quân đầu người"),
    "liberal_democracy": ("liberal democracy index", "chỉ số dân chủ tự do"),
}

FEATURE_FORMATS: dict[str, str] = {
    "log_last": "log1p_count",
    "log_lag1": "log1p_count",
    "log_lag2": "log1p_count",
    "log_mean3": "log1p_count",
    "log_mean12": "log1p_count",
    "log_max12": "log1p_count",
    "share25_12": "share",
    "log_sum24": "log1p_count",
    "step": "years",
    "log_annual_last_year": "log1p_count",
    "years_since_conflict": "years",
    "log_population": "log_level",
    "log_gdp_per_capita": "log_level",
    "liberal_democracy": "index",
}


@dataclass
class ConflictForecast:
    """Forecasts for the countries of ``rows`` at one origin and step: samples and probabilities."""

    country_ids: list[int]
    origin: int
    step: int
    samples: Matrix  # countries x samples, fatalities
    p_incidence: Matrix
    quiet: npt.NDArray[np.bool_]

    @property
    def p_onset(self) -> Matrix:
        """Incidence probability where the country was quiet for 24 months, NaN elsewhere."""
        out: Matrix = np.where(self.quiet, self.p_incidence, np.nan)
        return out


def features_at(panel: ConflictPanel, origin: int, step: int) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """Return (features, usable) for every country at ``origin`` (a month_id) and ``step``.

    ``usable`` is False where the 12 months up to the origin are not all known. Needs nothing after
    ``origin``: every feature uses data up to the origin only (the 3-month ViEWS lag is the caller's).
    """
    j = panel.column(origin)
    n = len(panel.country_ids)
    out = np.full((n, len(FEATURES)), np.nan)
    if j < 11 or j >= panel.fatalities.shape[1]:
        return out, np.zeros(n, dtype=bool)
    window = panel.fatalities[:, j - 11 : j + 1]
    usable = ~np.isnan(window).any(axis=1)
    logs = log1p_safe(np.nan_to_num(window))
    out[:, 0] = logs[:, -1]
    out[:, 1] = logs[:, -2]
    out[:, 2] = logs[:, -3]
    out[:, 3] = logs[:, -3:].mean(axis=1)
    out[:, 4] = logs.mean(axis=1)
    out[:, 5] = logs.max(axis=1)
    out[:, 6] = (np.nan_to_num(window) >= INCIDENCE).mean(axis=1)
    sum24 = panel.tsum24[:, j]
    if j >= 23:
        computed = panel.fatalities[:, j - 23 : j + 1].sum(axis=1)
        sum24 = np.where(np.isnan(sum24), computed, sum24)
    out[:, 7] = log1p_safe(sum24)
    out[:, 8] = float(step)
    year, month = divmod(origin - 1, 12)
    year += 1980
    last_full = year if month == 11 else year - 1
    k = last_full - panel.first_year
    if 0 <= k < panel.annual_deaths.shape[1]:
        out[:, 9] = log1p_safe(panel.annual_deaths[:, k])
    out[:, 10] = years_since_conflict(panel.annual_deaths, panel.first_year, last_full)
    pop = panel.structural["wdi_sp_pop_totl"][:, j]
    gdp = panel.structural["wdi_ny_gdp_pcap_kd"][:, j]
    out[:, 11] = np.log(np.where(pop > 0, pop, np.nan))
    out[:, 12] = np.log(np.where(gdp > 0, gdp, np.nan))
    out[:, 13] = panel.structural["vdem_v2x_libdem"][:, j]
    return out, usable


def quiet_at(panel: ConflictPanel, origin: int) -> npt.NDArray[np.bool_]:
    """True for countries with no state-based deaths in the 24 months up to ``origin`` (as known then)."""
    features, _ = features_at(panel, origin, 1)
    quiet: npt.NDArray[np.bool_] = features[:, 7] == 0
    return quiet


def training_rows(panel: ConflictPanel, cutoff: int, steps: range) -> tuple[Matrix, Matrix]:
    """Return (X, y) of every (country, origin, step) whose target month is at most ``cutoff``."""
    xs: list[Matrix] = []
    ys: list[Matrix] = []
    for step in steps:
        for origin in range(panel.first_month + 11, cutoff - step + 1):
            target_col = panel.column(origin + step)
            x, usable = features_at(panel, origin, step)
            y = panel.fatalities[:, target_col]
            keep = usable & ~np.isnan(y)
            if keep.any():
                xs.append(x[keep])
                ys.append(y[keep])
    if not xs:
        return np.empty((0, len(FEATURES))), np.empty(0)
    return np.vstack(xs), np.concatenate(ys)


class ConflictModel:
    """Quantile gradient boosting for the fatality distribution + logistic regression for incidence."""

    name = "conflict-quantile-gbm"
    version = "1"

    def __init__(
        self,
        *,
        max_iter: int = 60,
        max_rows: int = 20_000,
        steps: range = range(1, 15),
        seed: int = 0,
        pool_recent: bool = True,
    ) -> None:
        """Configure the model (``steps``: horizons in months; ``max_rows``: seeded subsample for the GBMs).

        With ``pool_recent`` the predictive distribution pools the ten boosted quantiles with the last
        12 observed months (an equal-weight mixture of the model and the empirical recent distribution).
        """
        self.max_iter = max_iter
        self.max_rows = max_rows
        self.pool_recent = pool_recent
        self.steps = steps
        self.seed = seed
        self.quantile_models: list[HistGradientBoostingRegressor] = []
        self.classifier: LogisticRegression | None = None
        self.means: Matrix = np.zeros(len(FEATURES))
        self.scales: Matrix = np.ones(len(FEATURES))
        self.fitted_to = 0
        self.n_train = 0
        self.empty = np.zeros(len(FEATURES), dtype=bool)

    def fit(self, panel: ConflictPanel, *, cutoff: int) -> ConflictModel:
        """Fit on every target month up to ``cutoff`` (month_id); return self. Needs some conflict months."""
        x, y = training_rows(panel, cutoff, self.steps)
        if len(y) < 50 or not (y >= INCIDENCE).any() or (y >= INCIDENCE).all():
            raise ValueError("too little conflict history before the cut-off to fit the conflict model")
        self.empty = np.isnan(x).all(axis=0)
        x[:, self.empty] = 0.0
        target = np.log1p(y)
        pick = np.arange(len(y))
        if len(y) > self.max_rows:
            pick = np.sort(np.random.default_rng(self.seed).choice(len(y), self.max_rows, replace=False))
        self.quantile_models = []
        for q in QUANTILES:
            model = HistGradientBoostingRegressor(
                loss="quantile",
                quantile=q,
                max_iter=self.max_iter,
                learning_rate=0.1,
                max_leaf_nodes=15,
                min_samples_leaf=40,
                random_state=self.seed,
            )
            with threadpool_limits(limits=1):
                self.quantile_models.append(model.fit(x[pick], target[pick]))
        self.means = np.nanmean(x, axis=0)
        self.means = np.where(np.isnan(self.means), 0.0, self.means)
        self.scales = np.nanstd(x, axis=0)
        self.scales = np.where((self.scales > 0) & ~np.isnan(self.scales), self.scales, 1.0)
        self.classifier = LogisticRegression(C=0.5, max_iter=2000).fit(self._standard(x), y >= INCIDENCE)
        self.fitted_to = cutoff
        self.n_train = len(y)
        return self

    def _standard(self, x: Matrix) -> Matrix:
        filled = np.where(np.isnan(x), self.means, x)
        result: Matrix = (filled - self.means) / self.scales
        return result

    def predict(self, panel: ConflictPanel, *, origin: int, step: int) -> ConflictForecast:
        """Forecast month ``origin + step`` for every country from data up to ``origin``; needs :meth:`fit`."""
        if self.classifier is None:
            raise ValueError("fit the conflict model first")
        x, _ = features_at(panel, origin, step)
        x[:, self.empty] = 0.0
        with threadpool_limits(limits=1):
            quantiles = np.column_stack([model.predict(x) for model in self.quantile_models])
        boosted = np.expm1(np.maximum(np.sort(quantiles, axis=1), 0.0))
        recent = baseline_samples(panel, origin)["conflictology"]
        samples = (
            np.hstack([boosted, np.where(np.isnan(recent), boosted[:, :1], recent)]) if self.pool_recent else boosted
        )
        probability = self.classifier.predict_proba(self._standard(x))[:, 1]
        return ConflictForecast(
            country_ids=list(panel.country_ids),
            origin=origin,
            step=step,
            samples=samples,
            p_incidence=probability,
            quiet=x[:, 7] == 0,
        )

    def explain(self, panel: ConflictPanel, *, origin: int, step: int, country_id: int, top: int = 4) -> list[Driver]:
        """Return the main drivers of one country's incidence probability (logit contributions), in EN and VI."""
        if self.classifier is None:
            raise ValueError("fit the conflict model first")
        if country_id not in panel.country_ids:
            raise KeyError(f"unknown country id {country_id}")
        x, _ = features_at(panel, origin, step)
        index = panel.country_ids.index(country_id)
        row = self._standard(x[index : index + 1])[0]
        contributions = row * self.classifier.coef_[0]
        return drivers_from_contributions(
            dict(zip(FEATURES, contributions, strict=True)),
            FEATURE_WORDS,
            top=top,
            values=dict(zip(FEATURES, (float(v) for v in x[index]), strict=True)),
            formats=FEATURE_FORMATS,
        )


def baseline_samples(panel: ConflictPanel, origin: int) -> dict[str, Matrix]:
    """Return each baseline's samples per country at ``origin``: zero, persistence, conflictology."""
    j = panel.column(origin)
    n = len(panel.country_ids)
    last = panel.fatalities[:, j]
    window = panel.fatalities[:, j - 11 : j + 1] if j >= 11 else np.full((n, 12), np.nan)
    return {"zero": np.zeros((n, 1)), "persistence": last[:, None], "conflictology": window}


def baseline_probability(name: str, samples: Matrix) -> tuple[Matrix, Matrix]:
    """Return (probability of >= 25 deaths, ranking score) for a baseline's samples.

    Probability is the share of samples at or above 25; the score breaks ties by the samples' mean (so
    persistence ranks by last month's deaths, as in the literature's AUROC for persistence).
    """
    probability: Matrix = (samples >= INCIDENCE).mean(axis=1)
    if name == "zero":
        return probability, probability
    score: Matrix = probability + 1e-6 * np.log1p(np.maximum(samples.mean(axis=1), 0.0))
    return probability, score


def is_number(value: float) -> bool:
    """True for a finite float (helper for callers printing scores)."""
    return math.isfinite(value)
