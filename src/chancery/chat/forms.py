"""Forms of the chat pages (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.chat.content import parse_attachment_ids
from chancery.chat.enums import NAME_MAX, RETENTION_DAYS_MAX
from chancery.platform.enums import Classification


def _markings(upto: int) -> list[tuple[int, str]]:
    return [(value, str(label)) for value, label in Classification.choices if value <= upto]


class MessageForm(forms.Form):
    """A message, its marking (up to the channel's ceiling) and vault documents to attach."""

    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Formatting: **bold**, *italic*, `code`, “- ” lists. Mention a member with @username."),
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int)
    attachments = forms.CharField(
        label=_("Attach vault documents"),
        required=False,
        help_text=_("Document numbers from the vault, separated by commas (only documents you may read)."),
    )

    def __init__(self, *args: Any, ceiling: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = _markings(ceiling)  # type: ignore[attr-defined]

    def clean_attachments(self) -> list[int]:
        """Parse the document numbers (digits only)."""
        try:
            return parse_attachment_ids(self.cleaned_data.get("attachments") or "")
        except ValueError:
            raise forms.ValidationError(_("Use vault document numbers separated by commas.")) from None


class ChannelForm(forms.Form):
    """A new topic channel, or a channel of the user's own unit or mission."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("topic", _("Topic channel (members added by hand)")),
            ("unit", _("Channel of my unit or mission (all its members cleared for the ceiling)")),
        ],
        widget=forms.RadioSelect,
        initial="topic",
    )
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    ceiling = forms.TypedChoiceField(label=_("Classification ceiling"), coerce=int)

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ceiling"].choices = _markings(clearance)  # type: ignore[attr-defined]


class DirectForm(forms.Form):
    """Whom to talk to directly."""

    username = forms.CharField(label=_("Colleague's user name"), max_length=150)


class MemberForm(forms.Form):
    """A colleague to add to a topic channel."""

    username = forms.CharField(label=_("User name"), max_length=150)
    is_admin = forms.BooleanField(label=_("Channel admin"), required=False)


class RetentionForm(forms.Form):
    """Days to keep messages; empty keeps them."""

    retention_days = forms.IntegerField(
        label=_("Keep messages for (days)"),
        required=False,
        min_value=1,
        max_value=RETENTION_DAYS_MAX,
        help_text=_(
            "Older messages are purged by a scheduled job, except while the channel is on legal hold. "
            "Leave empty to keep them."
        ),
    )


class LegalHoldForm(forms.Form):
    """Why the channel is placed on legal hold."""

    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=300)
