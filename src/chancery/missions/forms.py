"""Forms for the organisations directory filter and for writing a post report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.missions.enums import OrganisationKind
from chancery.missions.models import Compartment, Organisation
from chancery.missions.services import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from chancery.platform.enums import TLP, Classification


class OrganisationFilterForm(forms.Form):
    """The directory's filter: one kind of organisation, or all."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )


class ReportForm(forms.Form):
    """A new post report. Classification choices stop at the author's clearance.

    Compartment choices are the ones the author holds and partner choices the external stakeholders the
    author may see; the service checks all of it again.
    """

    title_en = forms.CharField(label=_("Title (English)"), max_length=TITLE_MAX_LENGTH)
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(label=_("Report"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 12}))
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, choices=())
    compartments = forms.MultipleChoiceField(
        label=_("Compartments (need to know)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only holders of every compartment you tick will be able to read the report."),
    )
    tlp = forms.ChoiceField(
        label=_("TLP marking (sharing outside the ministry)"),
        choices=TLP.choices,
        initial=TLP.RED,
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Share with external stakeholders"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only INTERNAL or unclassified reports not marked TLP:RED can be shared."),
    )

    def __init__(
        self,
        *args: Any,
        clearance: int,
        compartments: Iterable[Compartment],
        partners: Iterable[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        classification = self.fields["classification"]
        assert isinstance(classification, forms.TypedChoiceField)
        classification.choices = [(value, label) for value, label in Classification.choices if value <= clearance]
        classification.initial = min(int(Classification.INTERNAL), clearance)
        compartment_field = self.fields["compartments"]
        assert isinstance(compartment_field, forms.MultipleChoiceField)
        compartment_field.choices = [(compartment.code, compartment.name) for compartment in compartments]
        partner_field = self.fields["shared_with"]
        assert isinstance(partner_field, forms.MultipleChoiceField)
        partner_field.choices = [(partner.code, partner.name) for partner in partners]
