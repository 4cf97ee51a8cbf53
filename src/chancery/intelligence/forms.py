"""Forms: the feed's filters, watchlists and sources (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.intelligence.enums import EventClass, Sentiment, SourceKind, Topic
from chancery.intelligence.selectors import ItemFilters

ANY: list[tuple[str, Any]] = [("", _("Any"))]
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]


def split_terms(value: str) -> list[str]:
    """Split a comma- or newline-separated field into its entries."""
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


class FilterForm(forms.Form):
    """The feed's search box and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.CharField(
        label=_("Country (ISO alpha-3)"), required=False, max_length=3, help_text=_("For example VNM, CHN, USA.")
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=ANY + list(Topic.choices))
    lang = forms.ChoiceField(label=_("Language"), required=False, choices=ANY + LANGUAGES)
    tone = forms.ChoiceField(label=_("Tone"), required=False, choices=ANY + list(Sentiment.choices))
    event_class = forms.ChoiceField(label=_("Event class"), required=False, choices=ANY + list(EventClass.choices))
    source = forms.TypedChoiceField(label=_("Source"), required=False, coerce=int, empty_value=None, choices=ANY)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, sources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = ANY + sources  # type: ignore[attr-defined]

    def filters(self) -> ItemFilters:
        """Return the filters of a valid form (no filter for an invalid one)."""
        if not self.is_valid():
            return ItemFilters()
        data = self.cleaned_data
        return ItemFilters(
            q=data["q"] or "",
            country=(data["country"] or "").upper(),
            topic=data["topic"] or "",
            lang=data["lang"] or "",
            tone=data["tone"] or "",
            event_class=data["event_class"] or "",
            source_id=data["source"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class WatchlistForm(forms.Form):
    """A watchlist: what to watch, and whether to be told by e-mail too."""

    name = forms.CharField(label=_("Name"), max_length=200)
    countries = forms.CharField(
        label=_("Countries"), required=False, help_text=_("ISO alpha-3 codes separated by commas, e.g. VNM, CHN.")
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Words or phrases separated by commas; accents optional.")
    )
    people = forms.CharField(label=_("People"), required=False, help_text=_("Names separated by commas."))
    organisations = forms.CharField(label=_("Organisations"), required=False, help_text=_("Names separated by commas."))
    email = forms.BooleanField(label=_("Also alert me by e-mail"), required=False)

    def values(self) -> dict[str, Any]:
        """Return the cleaned values as the watchlist services take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "countries": split_terms(data["countries"]),
            "keywords": split_terms(data["keywords"]),
            "people": split_terms(data["people"]),
            "organisations": split_terms(data["organisations"]),
            "email": bool(data["email"]),
        }


class SourceForm(forms.Form):
    """A polled source."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in SourceKind.choices if c[0] != SourceKind.UPLOAD])
    url = forms.CharField(label=_("URL or path"), max_length=2000)
    poll_minutes = forms.IntegerField(label=_("Poll every (minutes)"), min_value=5, max_value=10080, initial=60)
    allow_full_text = forms.BooleanField(label=_("Fetch the full text of linked pages"), required=False)
