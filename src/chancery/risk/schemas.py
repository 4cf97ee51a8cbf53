"""Schemas of the risk API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema


class AssessmentOut(Schema):
    """An assessment, labelled as AI output with model, version, data cut-off and interval."""

    id: int
    kind: str = Field(description="conflict, crisis (currency crash), trade (exports by partner) or sentiment")
    subject: str = Field(description="the trade partner or the initiative (empty for country kinds)")
    subject_id: int | None = Field(description="the initiative's id for sentiment readings")
    country_iso3: str
    country_name: str
    ai_output: bool = Field(default=True, description="always true: the figures come from a model")
    model_name: str
    model_version: str
    data_cutoff: str
    horizon: str = Field(description="the period the figure is for (month, years, year or date range)")
    probability: float = Field(description="conflict: P(>= 25 deaths that month); crisis: P(crash in 2 years)")
    effective_probability: float = Field(description="the analyst's adjusted probability, else the model's")
    value: float | None = Field(description="trade: exports forecast (US$ million); sentiment: mean tone (-1..1)")
    value_low: float | None = Field(description="lower end of the interval (crisis: of the probability)")
    value_high: float | None = Field(description="upper end of the interval")
    interval_level: float = Field(description="the interval's coverage (0.8 or 0.95)")
    sample_size: int | None = Field(description="sentiment: the number of items read")
    effective_value: float | None = Field(description="the analyst's adjusted value, else the model's")
    detail: dict[str, Any]
    fatalities_low: float
    fatalities_median: float
    fatalities_high: float
    status: str
    level: str
    path: list[dict[str, Any]]
    drivers: list[dict[str, Any]]
    rationale: str
    reviewed_at: datetime | None
    reviewer_username: str


class ReviewIn(Schema):
    """An analyst's decision on a draft."""

    decision: Literal["accept", "adjust", "reject"]
    rationale: str = ""
    adjusted_probability: float | None = None
    adjusted_value: float | None = None


class ScenarioIn(Schema):
    """A trade scenario."""

    partner: str = Field(max_length=80)
    currency_change_pct: float = 0.0
    commodity: str = Field("PCOFFROB", max_length=20)
    commodity_change_pct: float = 0.0
    agreement: str = Field(
        "",
        max_length=40,
        description="type:rta_entry, type:rta_full or agreement:<id> of a trade agreement in force (empty: none)",
    )


class ScenarioOut(Schema):
    """A scenario's forecast with its 80 % interval; ``outside_data`` flags a shock beyond the data."""

    ai_output: bool = True
    partner: str
    year: int
    base: float
    scenario: float
    low: float
    high: float
    outside_data: bool
    warnings: list[str]
    notes: list[str]
    agreements: list[str]
    effects: dict[str, float] = Field(description="log-point effects of the currency, commodity and agreement")


class EventOut(Schema):
    """An AI event log entry."""

    id: int
    kind: str
    model_name: str
    model_version: str
    actor_username: str
    at: datetime
    detail: dict[str, Any]


class UseCaseIn(Schema):
    """A new text for one use-case register entry (risk tier low, medium or high)."""

    purpose: str = Field(max_length=2000)
    owner: str = Field(max_length=120)
    risk_tier: str = Field(max_length=10)
    impact_assessment: str = Field(max_length=10000)


class UseCaseOut(Schema):
    """A use-case register entry."""

    model_name: str
    purpose: str
    owner: str
    risk_tier: str
    impact_assessment: str
    beats_baselines: str
