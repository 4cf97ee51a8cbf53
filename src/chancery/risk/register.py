"""The default entries of the AI use-case register (one per bundled model)."""

from __future__ import annotations

DEFAULT_USE_CASES: list[dict[str, str]] = [
    {
        "model_name": "conflict-quantile-gbm",
        "purpose": (
            "Forecast each country's probability of 25 or more state-based conflict deaths in a month, three to "
            "twelve months ahead, to help analysts prioritise attention. Advisory only: analysts review every "
            "forecast before leadership sees it."
        ),
        "owner": "Policy Planning Department (risk analysts)",
        "risk_tier": "medium",
        "impact_assessment": (
            "Level with the conflictology baseline on 2019-2020 (log1p-CRPS 0.1402 vs 0.1413, AUROC equal to "
            "three decimals) and worse than the zero forecast for quiet countries: it must not be read as "
            "insight without review. Data: VIEWS/UCDP, WDI, V-Dem (public, aggregate; no personal data). "
            "Errors could misdirect attention; mitigated by mandatory human review and visible model, version, "
            "data cut-off and interval."
        ),
        "beats_baselines": "no (level with conflictology; see docs/models/forecast_conflict.md)",
    },
    {
        "model_name": "trade-huber-growth",
        "purpose": "Forecast Viet Nam's exports by partner one year ahead and run currency/commodity scenarios.",
        "owner": "Department of Multilateral Economic Cooperation",
        "risk_tier": "low",
        "impact_assessment": (
            "Beats the random walk on 2013-2017 (MALE 0.157 vs 0.179) but loses to it in 2015 and 2016. "
            "Aggregate public trade statistics only. Scenarios outside the data's range are flagged."
        ),
        "beats_baselines": "yes overall, not every year (see docs/models/forecast_trade.md)",
    },
    {
        "model_name": "currency-crash-logit",
        "purpose": (
            "Estimate, for each FRED currency, the probability of a currency crash (a fall of 25 % or more "
            "against the US dollar, 10 points worse than the year before) in the next two years, so analysts "
            "can see market risks to partners. Advisory only: analysts review every estimate."
        ),
        "owner": "Department of Multilateral Economic Cooperation",
        "risk_tier": "medium",
        "impact_assessment": (
            "Trains on FRED exchange rates and World Bank indicators only (redistributable; the JST-based "
            "banking model is not used in the product, its licence being non-commercial). Ranks crashes best "
            "in the 1986-2000 backtest (AUROC 0.702 vs 0.680 for past depreciation) but loses on Brier score "
            "and rests on 17 events: within noise. Aggregate public data only; human review is mandatory."
        ),
        "beats_baselines": "not clearly (AUROC better, Brier worse; see docs/models/forecast_crises.md)",
    },
    {
        "model_name": "initiative-sentiment",
        "purpose": (
            "Read the volume and tone of news and social posts about each foreign-policy initiative, with "
            "intervals and sample sizes, as a draft an analyst reviews before leadership sees it."
        ),
        "owner": "Press and Information Department",
        "risk_tier": "medium",
        "impact_assessment": (
            "Aggregates the intelligence pipeline's sentiment scores (see the sentiment model cards); small "
            "samples are flagged and the 95 % interval is shown. Public items only, no profiling of people. "
            "Errors could misread public opinion; mitigated by mandatory review and visible sample sizes."
        ),
        "beats_baselines": "n/a (a measurement, not a forecast; see docs/models/sentiment_*.md)",
    },
]
