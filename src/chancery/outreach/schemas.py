"""API schemas for outreach (one in/out shape per operation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from chancery.outreach.content import MediaIn, PartIn
from chancery.outreach.models import Post
from chancery.outreach.previews import Preview
from chancery.outreach.services import AccountIn, CampaignIn, PostIn, StepIn


class PartBody(Schema):
    """A further part of a thread (part 2, 3, ...) in both languages."""

    text_vi: str = Field(max_length=63_206)
    text_en: str = Field(max_length=63_206)


class MediaBody(Schema):
    """An image from the vault with its alt text in both languages (both required, at most 1,500 characters)."""

    document_id: int
    alt_vi: str = Field(max_length=5000)
    alt_en: str = Field(max_length=5000)


class PostBody(Schema):
    """A post's content: both language versions, target accounts and the publication time (with zone).

    Optionally a thread's further parts, up to four images from the vault with alt text, and a link whose
    card (title, description, image) is fetched once and embedded on Bluesky.
    """

    title: str = Field(max_length=200)
    text_vi: str = Field(max_length=63_206)
    text_en: str = Field(max_length=63_206)
    account_ids: list[int] = Field(max_length=50)
    scheduled_for: datetime
    ai_assisted: bool = False
    campaign_id: int | None = None
    parts: list[PartBody] = Field(default_factory=list, max_length=50)
    media: list[MediaBody] = Field(default_factory=list, max_length=20)
    link_url: str = Field(default="", max_length=2000)

    def content(self) -> PostIn:
        """Return the service's input."""
        data = self.model_dump(exclude={"parts", "media"})
        return PostIn(
            **data,
            parts=[PartIn(text_vi=part.text_vi, text_en=part.text_en) for part in self.parts],
            media=[MediaIn(document_id=m.document_id, alt_vi=m.alt_vi, alt_en=m.alt_en) for m in self.media],
        )


class PreviewIn(Schema):
    """Texts to check against the chosen accounts and every platform."""

    text_vi: str = Field(max_length=63_206)
    text_en: str = Field(max_length=63_206)
    account_ids: list[int] = Field(default_factory=list, max_length=50)


class PreviewOut(Schema):
    """What one platform would do with one version: length in its unit, the part kept and the part cut."""

    language: str
    handle: str = Field(description="the target account, or empty for the generic check of a platform")
    platform: str
    unit: str
    length: int
    limit: int
    byte_length: int
    byte_limit: int = Field(description="0 when the platform has no byte limit")
    ok: bool
    kept: str
    cut: str

    @staticmethod
    def of(preview: Preview) -> PreviewOut:
        """Build from a preview row."""
        check = preview.check
        return PreviewOut(
            language=preview.language,
            handle=preview.handle,
            platform=check.platform,
            unit=check.unit,
            length=check.length,
            limit=check.limit,
            byte_length=check.byte_length,
            byte_limit=check.byte_limit,
            ok=check.ok,
            kept=check.kept,
            cut=check.cut,
        )


class TargetOut(Schema):
    """A post's copy on one account: its state and, once fetched back, its URL."""

    id: int
    platform: str = Field(alias="account.platform")
    handle: str = Field(alias="account.handle")
    language: str = Field(alias="account.language")
    state: str
    attempts: int
    last_error: str
    url: str
    published_at: datetime | None


class EvidenceOut(Schema):
    """What prompted a post: the intelligence alert (with its figures) or a story behind it."""

    kind: str
    label: str
    source_url: str
    alert_id: int | None
    item_id: int | None
    figures: dict[str, object]


class PartOut(Schema):
    """A further part of a thread."""

    position: int
    text_vi: str
    text_en: str


class MediaOut(Schema):
    """An image of the post (metadata stripped) and its alt text."""

    position: int
    document_id: int | None
    mime_type: str
    size: int
    width: int
    height: int
    alt_vi: str
    alt_en: str


class LinkCardOut(Schema):
    """The link card fetched for the post."""

    url: str
    title: str
    description: str
    has_thumb: bool


class PostOut(Schema):
    """A post with both versions, its state, its targets and the evidence it carries."""

    id: int
    title: str
    text_vi: str
    text_en: str
    ai_assisted: bool
    state: str
    scheduled_for: datetime
    revision: int
    author: str = Field(alias="author.username")
    statement_published_at: datetime | None
    campaign_id: int | None
    targets: list[TargetOut]
    evidence: list[EvidenceOut]
    parts: list[PartOut]
    media: list[MediaOut]
    link_card: LinkCardOut | None

    @staticmethod
    def resolve_parts(post: Post) -> list[object]:
        """Return the thread's further parts in order."""
        return list(post.parts.order_by("position"))

    @staticmethod
    def resolve_media(post: Post) -> list[object]:
        """Return the images in order (without their bytes)."""
        return list(post.media.order_by("position").defer("data"))

    @staticmethod
    def resolve_link_card(post: Post) -> LinkCardOut | None:
        """Return the link card, if any."""
        from chancery.outreach.content_models import PostLinkCard

        card = PostLinkCard.objects.filter(post=post).defer("thumb").first()
        if card is None:
            return None
        return LinkCardOut(
            url=card.url, title=card.title, description=card.description, has_thumb=bool(card.thumb_sha256)
        )

    @staticmethod
    def resolve_targets(post: Post) -> list[object]:
        """Return the targets with their accounts."""
        return list(post.targets.select_related("account").order_by("pk"))

    @staticmethod
    def resolve_evidence(post: Post) -> list[object]:
        """Return the evidence rows in order (alert first)."""
        return list(post.evidence.order_by("position", "pk"))


class ApprovalLinkIn(Schema):
    """Who the outside approver is and for how many days the link works (1 to 14)."""

    approver_name: str = Field(min_length=1, max_length=200)
    valid_days: int = Field(default=3, ge=1, le=14)


class ApprovalLinkOut(Schema):
    """A new approval link: the URL (shown once, the token is its credential) and when it expires."""

    id: int
    approver_name: str
    expires_at: datetime
    url: str


class PostSummaryOut(Schema):
    """A post as listed (no text)."""

    id: int
    title: str
    state: str
    scheduled_for: datetime
    author: str = Field(alias="author.username")


def _both() -> list[Literal["vi", "en"]]:
    return ["vi", "en"]


class ApproveIn(Schema):
    """The language versions approved (both by default)."""

    languages: list[Literal["vi", "en"]] = Field(default_factory=_both, min_length=1, max_length=2)


class AccountBody(Schema):
    """A platform account to connect; credentials are sealed at once and never returned."""

    platform: Literal["mastodon", "bluesky", "x", "facebook"]
    base_url: str = Field(max_length=200)
    web_base_url: str = Field(default="", max_length=200)
    handle: str = Field(max_length=200)
    language: Literal["vi", "en"]
    credentials: dict[str, str] = Field(description="mastodon: access_token; bluesky: identifier, app_password")

    def account(self) -> AccountIn:
        """Return the service's input."""
        return AccountIn(**self.model_dump())


class AccountOut(Schema):
    """A connected account (never its credentials)."""

    id: int
    platform: str
    base_url: str
    handle: str
    language: str
    max_characters: int | None
    is_active: bool


class StepBody(Schema):
    """One approval step."""

    name: str = Field(max_length=100)
    mode: Literal["any", "all"]
    approver_ids: list[int] = Field(min_length=1, max_length=50)


class WorkflowIn(Schema):
    """The unit's workflow, in order."""

    steps: list[StepBody] = Field(min_length=1, max_length=10)

    def steps_in(self) -> list[StepIn]:
        """Return the service's input."""
        return [StepIn(**step.model_dump()) for step in self.steps]


class StepOut(Schema):
    """A stored approval step."""

    position: int
    name: str
    mode: str


class CampaignBody(Schema):
    """A campaign: names in both languages, first day, optional last day."""

    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    starts_on: date
    ends_on: date | None = None

    def campaign(self) -> CampaignIn:
        """Return the service's input."""
        return CampaignIn(**self.model_dump())


class CampaignOut(Schema):
    """A campaign of the caller's unit."""

    id: int
    name_vi: str
    name_en: str
    starts_on: date
    ends_on: date | None


class TemplateBody(Schema):
    """A reusable starting text: its name and both language versions."""

    name: str = Field(max_length=200)
    text_vi: str = Field(max_length=63_206)
    text_en: str = Field(max_length=63_206)


class TemplateOut(Schema):
    """A template of the caller's unit."""

    id: int
    name: str
    text_vi: str
    text_en: str
