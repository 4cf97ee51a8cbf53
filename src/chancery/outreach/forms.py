"""The draft form: both language versions, target accounts, time; a "preview" button needs no JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.outreach.models import Account, Campaign, Post
from chancery.outreach.services import PostIn


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

    def __init__(
        self, *args: Any, accounts: list[Account], campaigns: list[Campaign] | None = None, **kwargs: Any
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
        )


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
    }
