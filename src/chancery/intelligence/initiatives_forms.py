"""The initiative form (no JavaScript needed); the service validates terms, countries and languages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.intelligence.forms import split_terms
from chancery.intelligence.models import Initiative

TERM_FIELDS = ("keywords", "people", "organisations", "countries", "languages")


class InitiativeForm(forms.Form):
    """What defines an initiative: its names, the terms that find its stories, and where and in which languages."""

    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_vi = forms.CharField(label=_("Name in Vietnamese"), max_length=200)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Words or phrases separated by commas; accents optional. A story matches any of them."),
    )
    people = forms.CharField(label=_("People"), required=False, help_text=_("Names separated by commas."))
    organisations = forms.CharField(label=_("Organisations"), required=False, help_text=_("Names separated by commas."))
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("ISO alpha-3 codes separated by commas, e.g. VNM, CHN; empty for every country."),
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("vi, en or both, separated by commas; empty for both.")
    )

    def values(self) -> dict[str, Any]:
        """Return the cleaned values as the initiative services take them."""
        data = self.cleaned_data
        return {
            "name_en": data["name_en"],
            "name_vi": data["name_vi"],
            **{key: split_terms(data[key]) for key in TERM_FIELDS},
        }

    @staticmethod
    def initial_of(initiative: Initiative) -> dict[str, str]:
        """Return the form's initial values for an existing initiative."""
        return {
            "name_en": initiative.name_en,
            "name_vi": initiative.name_vi,
            **{key: ", ".join(getattr(initiative, key)) for key in TERM_FIELDS},
        }
