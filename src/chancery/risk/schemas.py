"""Schemas of the risk API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema


class AssessmentOut(Schema):
    """An assessment, labelled as AI output with model, version, data cut-off and interval."""

    id: int
    country_iso3: str
    country_name: str
    ai_output: bool = Field(default=True, description="always true: the figures come from a model")
    model_name: str
    model_version: str
    data_cutoff: str
    horizon: str = Field(description="the month (YYYY-MM) the probability is for")
    probability: float = Field(description="the model's probability of >= 25 state-based deaths that month")
    effective_probability: float = Field(description="the analyst's adjusted probability, else the model's")
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


class ScenarioIn(Schema):
    """A trade scenario."""

    partner: str = Field(max_length=80)
    currency_change_pct: float = 0.0
    commodity: str = Field("PCOFFROB", max_length=20)
    commodity_change_pct: float = 0.0


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


class EventOut(Schema):
    """An AI event log entry."""

    id: int
    kind: str
    model_name: str
    model_version: str
    actor_username: str
    at: datetime
    detail: dict[str, Any]


class UseCaseOut(Schema):
    """A use-case register entry."""

    model_name: str
    purpose: str
    owner: str
    risk_tier: str
    impact_assessment: str
    beats_baselines: str
