"""API schemas for awareness (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class IndicatorOut(Schema):
    """An indicator extracted from a reported message."""

    kind: str = Field(description="sender, reply_to, url, domain or attachment (SHA-256)")
    value: str
    detail: str


class ReportOut(Schema):
    """A phishing report: metadata and indicators (the message itself is not kept)."""

    id: int
    reported_at: datetime
    subject: str
    sender: str
    reply_to: str
    message_sha256: str
    status: str = Field(description="new, confirmed or dismissed")
    stix_ids: list[str] = Field(description="STIX indicators shared on confirmation")


class ReportDetailOut(ReportOut):
    """A report with its indicators."""

    indicators: list[IndicatorOut] = Field(alias="indicator_list")


class TriageIn(Schema):
    """A security officer's decision."""

    decision: Literal["confirm", "dismiss"]
    collection: str = Field("", description="TAXII id of the collection to share into (to confirm)")
    note: str = Field("", max_length=500)


class EnrollmentOut(Schema):
    """One of the caller's course enrolments."""

    course: str = Field(alias="course.slug")
    due_at: datetime | None
    best_score: int | None = Field(description="per cent")
    attempts: int
    completed_at: datetime | None


class QuizIn(Schema):
    """Answers: question id -> index of the chosen choice (from 0)."""

    answers: dict[int, int]


class QuizOut(Schema):
    """The result of a quiz attempt."""

    score: int = Field(description="per cent")
    passed: bool
    completed_at: datetime | None
