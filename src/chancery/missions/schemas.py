"""API schemas for organisations and post reports (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from chancery.missions.models import Organisation, PostReport
from chancery.missions.services import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from chancery.platform.enums import TLP, Classification


class OrganisationOut(Schema):
    """An organisation in the directory."""

    code: str
    name_en: str
    name_vi: str
    kind: str
    country_code: str = Field(description="ISO 3166-1 alpha-2 host country; empty for units at home")
    city: str
    parent_code: str | None = Field(None, description="code of the organisation this unit is part of")
    is_active: bool

    @staticmethod
    def resolve_parent_code(organisation: Organisation) -> str | None:
        """Return the parent's code (the parent is loaded with the organisation)."""
        return organisation.parent.code if organisation.parent is not None else None


class OrganisationDetailOut(Schema):
    """An organisation with its member count and the units directly under it that the caller may see."""

    organisation: OrganisationOut
    member_count: int
    children: list[OrganisationOut]


class ReportSummaryOut(Schema):
    """A post report as listed: markings and titles, no body."""

    id: int
    mission_code: str = Field(alias="mission.code")
    title_en: str
    title_vi: str
    classification: Classification
    classification_label: str = Field(alias="get_classification_display")
    tlp: TLP
    created_at: datetime


class ReportOut(ReportSummaryOut):
    """A post report with its body, compartments and the external stakeholders it is shared with."""

    body: str
    compartments: list[str] = Field(description="codes of the need-to-know compartments")
    shared_with: list[str] = Field(description="codes of the external stakeholders it is shared with")
    author: str = Field(alias="author.username")

    @staticmethod
    def resolve_compartments(report: PostReport) -> list[str]:
        """Return the compartment codes (from the prefetched relation)."""
        return [compartment.code for compartment in report.compartments.all()]

    @staticmethod
    def resolve_shared_with(report: PostReport) -> list[str]:
        """Return the partner organisation codes (from the prefetched relation)."""
        return [organisation.code for organisation in report.shared_with.all()]


class ReportCreateIn(Schema):
    """A new post report for the caller's mission."""

    title_en: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    title_vi: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(min_length=1, max_length=BODY_MAX_LENGTH)
    classification: Classification = Classification.INTERNAL
    compartments: list[str] = Field(default_factory=list, max_length=50)
    tlp: TLP = TLP.RED
    shared_with: list[str] = Field(default_factory=list, max_length=50)
