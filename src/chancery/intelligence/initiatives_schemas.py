"""API schemas of initiative trackers (one in/out shape per operation)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class InitiativeIn(Schema):
    """An initiative's definition: names, the terms that find its stories, countries and languages."""

    name_en: str = Field(max_length=200)
    name_vi: str = Field(max_length=200)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    people: list[str] = Field(default_factory=list, max_length=50)
    organisations: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=50)


class InitiativeOut(Schema):
    """A stored initiative."""

    id: int
    name_en: str
    name_vi: str
    keywords: list[str]
    people: list[str]
    organisations: list[str]
    countries: list[str]
    languages: list[str]
    created_at: datetime
    updated_at: datetime


class ShareOut(Schema):
    """A share ``k / n`` with its 95 % Wilson interval (null without stories)."""

    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None


class MeanOut(Schema):
    """A mean tone score in [-1, 1] with its 95 % Student-t interval (no interval below two stories)."""

    n: int
    value: float | None
    low: float | None
    high: float | None


class ReadingOut(Schema):
    """The figures of one group: sample size, negative and positive shares, mean tone, small-sample flag."""

    key: str
    n: int
    negative: ShareOut
    positive: ShareOut
    mean: MeanOut
    small: bool


class BucketOut(Schema):
    """One day or week and its reading."""

    start: date
    end: date
    reading: ReadingOut


class ModelUseOut(Schema):
    """A sentiment model (name and version, as the enrichment recorded it) and how many stories it scored."""

    model: str
    stories: int


class TrackerOut(Schema):
    """An initiative's tracker: AI output, labelled with its models and data cut-off."""

    initiative: InitiativeOut
    ai_output: bool = True
    bucket: str
    first: date
    last: date
    overall: ReadingOut
    buckets: list[BucketOut]
    by_language: list[ReadingOut]
    by_country: list[ReadingOut]
    models: list[ModelUseOut]
    data_cutoff: datetime | None
    enriched_until: datetime | None
    truncated: bool
    story_ids: list[int]
