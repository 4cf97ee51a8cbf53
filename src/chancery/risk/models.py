"""Risk assessments (AI drafts and their review), model runs, the AI event log and the use-case register."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where an assessment stands: drafts need an analyst's decision (Law on AI art. 27)."""

    DRAFT = "draft", _("Draft (AI output, not reviewed)")
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Adjusted")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


REVIEWED = (Status.ACCEPTED, Status.ADJUSTED)


class Kind(models.TextChoices):
    """What an assessment is about; every kind goes through the same draft, review and leadership path."""

    CONFLICT = "conflict", _("Conflict risk")
    CRISIS = "crisis", _("Currency-crash risk")
    TRADE = "trade", _("Export forecast")
    SENTIMENT = "sentiment", _("Initiative sentiment")


PROBABILITY_KINDS = (Kind.CONFLICT, Kind.CRISIS)


class RiskTier(models.TextChoices):
    """Risk tier of an AI use case."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ModelRun(models.Model):
    """One fit-and-forecast of a model on a data directory."""

    model_name = models.CharField(max_length=80)
    model_version = models.CharField(max_length=20)
    data_cutoff = models.CharField(max_length=10)
    data_source = models.CharField(max_length=200)
    started_at = models.DateTimeField(auto_now_add=True)
    n_assessments = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return f"{self.model_name} v{self.model_version} ({self.data_cutoff})"


class Assessment(models.Model):
    """One AI output (conflict or crisis risk, export forecast, sentiment reading); a draft until reviewed.

    ``probability`` is the headline of the probability kinds (conflict, crisis); trade and sentiment carry
    theirs in ``value`` (US$ million; mean tone from -1 to 1) with ``value_low``/``value_high`` as the
    interval at ``interval_level``; an analyst's adjustment goes in ``adjusted_probability`` or
    ``adjusted_value`` accordingly.
    """

    run = models.ForeignKey(ModelRun, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CONFLICT, db_index=True)
    subject = models.CharField(max_length=200, blank=True)
    subject_id = models.PositiveIntegerField(null=True, blank=True)
    country_iso3 = models.CharField(max_length=3, db_index=True, blank=True)
    country_name = models.CharField(max_length=120)
    model_name = models.CharField(max_length=80)
    model_version = models.CharField(max_length=20)
    data_cutoff = models.CharField(max_length=10)
    horizon = models.CharField(max_length=24)
    probability = models.FloatField()
    fatalities_low = models.FloatField()
    fatalities_median = models.FloatField()
    fatalities_high = models.FloatField()
    path = models.JSONField(default=list)
    drivers = models.JSONField(default=list)
    history = models.JSONField(default=list)
    value = models.FloatField(null=True, blank=True)
    value_low = models.FloatField(null=True, blank=True)
    value_high = models.FloatField(null=True, blank=True)
    interval_level = models.FloatField(default=0.8)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    adjusted_probability = models.FloatField(null=True, blank=True)
    adjusted_value = models.FloatField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # SET_NULL: deleting an account never deletes or blocks the record; reviewer_username keeps who it was.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_username = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("country_name", "-created_at")

    def __str__(self) -> str:
        return f"{self.kind} {self.country_iso3 or self.subject} {self.horizon} ({self.status})"

    @property
    def is_probability(self) -> bool:
        """True for the kinds whose headline is a probability (conflict, crisis)."""
        return self.kind in PROBABILITY_KINDS

    @property
    def effective_value(self) -> float | None:
        """The analyst's adjusted value when adjusted, else the model's (trade and sentiment)."""
        return self.adjusted_value if self.adjusted_value is not None else self.value

    @property
    def headline(self) -> float:
        """The reviewed figure of any kind: the effective probability or the effective value."""
        if self.is_probability:
            return self.effective_probability
        return self.effective_value if self.effective_value is not None else math.nan

    @property
    def title(self) -> str:
        """The country name, or the partner or initiative the assessment is about."""
        return self.subject or self.country_name

    @property
    def effective_probability(self) -> float:
        """The analyst's adjusted probability when adjusted, else the model's."""
        return self.adjusted_probability if self.adjusted_probability is not None else self.probability

    @property
    def level(self) -> str:
        """A coarse band of the effective probability: low, elevated, high or very_high."""
        return risk_level(self.effective_probability)

    @property
    def level_label(self) -> str:
        """The band's translated name."""
        return str(LEVEL_LABELS[self.level])

    def driver_texts(self, language: str) -> list[str]:
        """Return the drivers' sentences in ``language`` (``vi`` or English)."""
        key = "text_vi" if language.startswith("vi") else "text_en"
        items: list[dict[str, Any]] = self.drivers
        return [str(item.get(key, "")) for item in items]

    def driver_evidence(self, language: str) -> list[tuple[str, str]]:
        """Return each driver's (sentence, evidence) in ``language``: the push and the indicator behind it."""
        vi = language.startswith("vi")
        items: list[dict[str, Any]] = self.drivers
        return [
            (
                str(item.get("text_vi" if vi else "text_en", "")),
                str(item.get("evidence_vi" if vi else "evidence_en", "") or ""),
            )
            for item in items
        ]


LEVEL_LABELS = {
    "low": _("Low"),
    "elevated": _("Elevated"),
    "high": _("High"),
    "very_high": _("Very high"),
}


def risk_level(probability: float) -> str:
    """Band a probability of >= 25 deaths in a month: low < 5 %, elevated < 25 %, high < 60 %, else very_high."""
    if probability < 0.05:
        return "low"
    if probability < 0.25:
        return "elevated"
    if probability < 0.6:
        return "high"
    return "very_high"


class AIEvent(models.Model):
    """The AI event log: every model run, every review and every marked change of a reviewed figure (metadata only)."""

    class Kind(models.TextChoices):
        RUN = "run", _("Model run")
        REVIEW = "review", _("Review")
        ALERT = "alert", _("Marked change")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    model_name = models.CharField(max_length=80)
    model_version = models.CharField(max_length=20)
    run = models.ForeignKey(ModelRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.model_name} {self.at:%Y-%m-%d %H:%M}"


class UseCase(models.Model):
    """The use-case register: purpose, owner, risk tier and impact assessment of each model."""

    model_name = models.CharField(max_length=80, unique=True)
    purpose = models.TextField()
    owner = models.CharField(max_length=120)
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices)
    impact_assessment = models.TextField()
    beats_baselines = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("model_name",)

    def __str__(self) -> str:
        return self.model_name
