"""Forms: the agreements filter, a new agreement, a party and a dated event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.agreements.enums import (
    AgreementKind,
    AgreementScope,
    DatePrecision,
    EventKind,
    Recurrence,
    RelationKind,
    Stage,
)
from chancery.agreements.models import Agreement, Party
from chancery.platform.enums import Classification


class AgreementFilterForm(forms.Form):
    """Search and filters for the list, the board and the CSV export."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Stage.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *AgreementKind.choices])
    country = forms.CharField(
        label=_("Party (country code)"), required=False, max_length=3, help_text=_("ISO 3166-1, e.g. JP or JPN")
    )


class AgreementForm(forms.Form):
    """A new agreement; the service validates every field again."""

    short_name = forms.CharField(label=_("Short name"), max_length=40)
    title_en = forms.CharField(label=_("Title (English)"), max_length=400)
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=400, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    scope = forms.ChoiceField(label=_("Bilateral, plurilateral or multilateral"), choices=AgreementScope.choices)
    subject_areas = forms.CharField(
        label=_("Subject areas"), required=False, max_length=300, help_text=_("Separate with commas.")
    )
    lead_department = forms.CharField(label=_("Lead department (code)"), required=False, max_length=64)
    depositary = forms.CharField(label=_("Depositary"), required=False, max_length=200)
    un_registration_number = forms.CharField(label=_("UN registration number"), required=False, max_length=40)
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, choices=())

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(value, label) for value, label in Classification.choices if value <= clearance]


class PartyForm(forms.Form):
    """A state (ISO 3166-1 code) or an organisation (EU, ASEAN, EAEU…) joining as a party."""

    country_code = forms.CharField(label=_("Country code (ISO 3166-1)"), required=False, max_length=3)
    organisation_code = forms.CharField(label=_("Organisation code"), required=False, max_length=16)


class EventForm(forms.Form):
    """A dated event with its source; the party choices are the agreement's parties."""

    kind = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    party = forms.TypedChoiceField(label=_("Party"), coerce=int, required=False, empty_value=None, choices=())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    date_precision = forms.ChoiceField(label=_("The source gives the"), choices=DatePrecision.choices)
    source = forms.CharField(label=_("Source"), max_length=500)
    notice_number = forms.CharField(
        label=_("Notice of entry into force"), required=False, max_length=40, help_text=_("e.g. 50/2016/TB-LPQT")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, parties: Iterable[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("The whole agreement")),
            *((party.pk, f"{party.name} ({party.code})") for party in parties),
        ]


class SignTextForm(forms.Form):
    """Sign a vault document version as an authentic text of the agreement."""

    label = forms.CharField(label=_("Which text"), max_length=200, help_text=_("e.g. authentic text in Vietnamese"))
    document = forms.IntegerField(label=_("Vault document number"), min_value=1)
    version = forms.IntegerField(label=_("Version (newest when empty)"), min_value=1, required=False)


class VerifyFileForm(forms.Form):
    """A file to compare with a signed text's hash (hashed in memory, never stored)."""

    file = forms.FileField(label=_("File to compare"))


class RoundForm(forms.Form):
    """The next negotiating round."""

    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label=_("Venue"), max_length=200)
    delegations = forms.CharField(label=_("Delegations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome_summary = forms.CharField(
        label=_("Outcome summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftForm(forms.Form):
    """A vault document version tabled at a round."""

    round = forms.TypedChoiceField(label=_("Round"), coerce=int, choices=())
    label = forms.CharField(label=_("Draft"), max_length=200)
    document = forms.IntegerField(label=_("Vault document number"), min_value=1)
    version = forms.IntegerField(label=_("Version (newest when empty)"), min_value=1, required=False)

    def __init__(self, *args: Any, rounds: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, str(r.number)) for r in rounds]


class PositionForm(forms.Form):
    """An internal position or brief on a negotiating issue."""

    issue = forms.CharField(label=_("Negotiating issue"), max_length=200)
    body = forms.CharField(label=_("Position"), widget=forms.Textarea(attrs={"rows": 4}))
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, choices=())

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(value, label) for value, label in Classification.choices if value <= clearance]


class CommentForm(forms.Form):
    """A comment on the negotiation (prefixed: the position form on the same page also has a ``body``)."""

    prefix = "comment"

    body = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RedlineForm(forms.Form):
    """Two drafts to compare."""

    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)


class ObligationForm(forms.Form):
    """A new obligation of the agreement."""

    title = forms.CharField(label=_("What"), max_length=300)
    department = forms.CharField(label=_("Department (code)"), max_length=64)
    owner = forms.CharField(label=_("Owner (username)"), max_length=150)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Recurrence.choices)
    remind_days_before = forms.IntegerField(
        label=_("Remind this many days before"), min_value=0, max_value=365, initial=14
    )


class RelationForm(forms.Form):
    """A relation of this agreement to another one the user can see (amends, supersedes, implements)."""

    prefix = "relation"

    kind = forms.ChoiceField(label=_("This agreement"), choices=RelationKind.choices)
    target = forms.TypedChoiceField(label=_("Other agreement"), coerce=int, choices=())

    def __init__(self, *args: Any, others: Iterable[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(other.pk, f"{other.short_name}: {other.title}") for other in others]


class MinutesForm(forms.Form):
    """A round's minutes: a vault document, a text, or both (internal only)."""

    prefix = "minutes"

    round = forms.TypedChoiceField(label=_("Round"), coerce=int, choices=())
    document = forms.IntegerField(label=_("Vault document number"), min_value=1, required=False)
    text = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept internal: partners never see the minutes."),
    )

    def __init__(self, *args: Any, rounds: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, str(r.number)) for r in rounds]
