"""The scheduling form: title, start, duration and participants by username (no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.replace(";", ",").replace("\n", ",").split(",") if item.strip()]


class MeetingForm(forms.Form):
    """What the organiser enters; the service validates the rest."""

    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("Shown in calendars: never put classified text in it.")
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=480, initial=60)
    participants = forms.CharField(
        label=_("Participants"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("User names separated by commas."),
    )
    moderators = forms.CharField(
        label=_("Moderators"), required=False, help_text=_("User names of further moderators, separated by commas.")
    )

    def participant_names(self) -> list[str]:
        """The participants' user names (after ``is_valid``)."""
        return _split(self.cleaned_data.get("participants") or "")

    def moderator_names(self) -> list[str]:
        """The further moderators' user names (after ``is_valid``)."""
        return _split(self.cleaned_data.get("moderators") or "")
