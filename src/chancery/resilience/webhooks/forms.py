"""The form administrators subscribe a partner's endpoint with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.resilience.webhooks.enums import EventType


class SubscriptionForm(forms.Form):
    """Partner organisation, endpoint URL, event types and a description."""

    organisation = forms.ChoiceField(label=_("Partner organisation"), choices=())
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=500,
        help_text=_("An https:// address of the partner's system. Private and local addresses are refused."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = list(organisations)  # type: ignore[attr-defined]
