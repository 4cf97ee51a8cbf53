"""The draft form: both language versions, target accounts, time; a "preview" button needs no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.outreach.connectors.media import MAX_IMAGES
from chancery.outreach.content import MediaIn, PartIn
from chancery.outreach.content_models import PostLinkCard
from chancery.outreach.image_picker import VaultImage
from chancery.outreach.models import Account, Campaign, Post
from chancery.outreach.services import PostIn

PART_SEPARATOR = "---"
THREAD_HELP = _("To publish a thread, write parts 2, 3, ... here, separated by a line holding only ---.")


def image_label(image: VaultImage) -> str:
    """Return how the picker names a vault image: its number and its title."""
    return str(_("No. %(number)d: %(title)s") % {"number": image.document_id, "title": image.title})


@dataclass(frozen=True, slots=True)
class ImageSlot:
    """One of the post's image slots: its number, the vault document chosen (if any) and its fields."""

    number: int
    chosen: int | None
    fields: list[forms.BoundField]


class PostForm(forms.Form):
    """A post's content as the draft page edits it."""

    title = forms.CharField(label=_("Title (shown on the ministry's channel)"), max_length=200)
    text_vi = forms.CharField(label=_("Vietnamese text"), widget=forms.Textarea(attrs={"rows": 6, "lang": "vi"}))
    text_en = forms.CharField(label=_("English text"), widget=forms.Textarea(attrs={"rows": 6, "lang": "en"}))
    accounts = forms.MultipleChoiceField(label=_("Publish on"), widget=forms.CheckboxSelectMultiple, required=False)
    scheduled_for = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. The ministry's own channel receives the statement at this time."),
    )
    ai_assisted = forms.BooleanField(label=_("Text drafted with AI assistance (labelled as such)"), required=False)
    campaign = forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int, empty_value=None)
    thread_vi = forms.CharField(
        label=_("Further parts of the thread (Vietnamese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "vi"}),
        help_text=THREAD_HELP,
    )
    thread_en = forms.CharField(
        label=_("Further parts of the thread (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=THREAD_HELP,
    )
    link_url = forms.URLField(
        label=_("Link with a card"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("Bluesky shows its title, description and image; Mastodon makes its own card from the text."),
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[Account],
        campaigns: list[Campaign] | None = None,
        images: list[VaultImage] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["campaign"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [("", _("No campaign"))] + [(str(c.pk), f"{c.name_vi} / {c.name_en}") for c in campaigns or []]
        field = self.fields["accounts"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(a.pk), f"{a.get_platform_display()} {a.handle} ({a.get_language_display()})") for a in accounts
        ]
        offered = [("", str(_("No image")))] + [(str(image.document_id), image_label(image)) for image in images or []]
        for number in range(1, MAX_IMAGES + 1):
            self.fields[f"image_{number}"] = forms.IntegerField(
                label=_("Image %(n)d") % {"n": number},
                required=False,
                min_value=1,
                widget=forms.Select(choices=self._with_current(offered, f"image_{number}")),
            )
            self.fields[f"image_{number}_alt_vi"] = forms.CharField(
                label=_("Image %(n)d: alt text (Vietnamese)") % {"n": number}, required=False, max_length=1500
            )
            self.fields[f"image_{number}_alt_en"] = forms.CharField(
                label=_("Image %(n)d: alt text (English)") % {"n": number}, required=False, max_length=1500
            )

    def _with_current(self, offered: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
        """Add the slot's current document when the picker does not list it (say, another unit's image).

        So editing a post never drops an image silently; the content service still checks it.
        """
        raw = self.data.get(name) if self.is_bound else self.initial.get(name)
        current = str(raw or "").strip()
        if current and current not in {value for value, _label in offered}:
            return [*offered, (current, str(_("No. %(number)s") % {"number": current}))]
        return offered

    def image_rows(self) -> list[ImageSlot]:
        """Return the image slots: the vault image chosen (for its thumbnail) and the slot's three fields."""
        slots = []
        for n in range(1, MAX_IMAGES + 1):
            raw = self.data.get(f"image_{n}") if self.is_bound else self.initial.get(f"image_{n}")
            value = str(raw or "").strip()
            chosen = int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 12 else None
            fields = [self[f"image_{n}"], self[f"image_{n}_alt_vi"], self[f"image_{n}_alt_en"]]
            slots.append(ImageSlot(number=n, chosen=chosen, fields=fields))
        return slots

    def clean(self) -> dict[str, Any]:
        """Require both language versions of a thread to have the same number of parts."""
        data = super().clean() or {}
        vi, en = split_parts(data.get("thread_vi", "")), split_parts(data.get("thread_en", ""))
        if len(vi) != len(en):
            self.add_error("thread_en", _("Both language versions need the same number of thread parts."))
        return data

    def content(self) -> PostIn:
        """Return the service's input from the cleaned data."""
        data = self.cleaned_data
        return PostIn(
            title=data["title"],
            text_vi=data["text_vi"],
            text_en=data["text_en"],
            account_ids=[int(pk) for pk in data["accounts"]],
            scheduled_for=data["scheduled_for"],
            ai_assisted=data["ai_assisted"],
            campaign_id=data.get("campaign"),
            parts=[
                PartIn(text_vi=vi, text_en=en)
                for vi, en in zip(
                    split_parts(data.get("thread_vi", "")), split_parts(data.get("thread_en", "")), strict=False
                )
            ],
            media=[
                MediaIn(
                    document_id=data[f"image_{n}"],
                    alt_vi=data.get(f"image_{n}_alt_vi", ""),
                    alt_en=data.get(f"image_{n}_alt_en", ""),
                )
                for n in range(1, MAX_IMAGES + 1)
                if data.get(f"image_{n}")
            ],
            link_url=data.get("link_url", ""),
        )


def split_parts(raw: str) -> list[str]:
    """Split the thread box into parts at lines holding only ``---`` (blank parts dropped)."""
    parts: list[str] = []
    current: list[str] = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        if line.strip() == PART_SEPARATOR:
            parts.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current).strip())
    return [part for part in parts if part]


def initial_from(post: Post) -> dict[str, Any]:
    """Return the form's initial data for editing ``post``."""
    return {
        "title": post.title,
        "text_vi": post.text_vi,
        "text_en": post.text_en,
        "accounts": [str(pk) for pk in post.targets.values_list("account_id", flat=True)],
        "scheduled_for": post.scheduled_for,
        "ai_assisted": post.ai_assisted,
        "campaign": str(post.campaign_id) if post.campaign_id else "",
        "thread_vi": f"\n{PART_SEPARATOR}\n".join(part.text_vi for part in post.parts.order_by("position")),
        "thread_en": f"\n{PART_SEPARATOR}\n".join(part.text_en for part in post.parts.order_by("position")),
        "link_url": card.url if (card := PostLinkCard.objects.filter(post=post).first()) else "",
        **{
            key: value
            for row in post.media.order_by("position").defer("data")
            for key, value in (
                (f"image_{row.position}", row.document_id),
                (f"image_{row.position}_alt_vi", row.alt_vi),
                (f"image_{row.position}_alt_en", row.alt_en),
            )
        },
    }
