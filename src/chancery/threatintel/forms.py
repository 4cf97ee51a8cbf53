"""Forms of the threat-intelligence pages (labels translated; the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.platform.enums import TLP


class CollectionForm(forms.Form):
    """A new collection (sharing group)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    default_tlp = forms.ChoiceField(label=_("TLP for unmarked objects"), choices=TLP.choices, initial=TLP.AMBER)


class MemberForm(forms.Form):
    """A partner organisation's access to a collection."""

    organisation = forms.TypedChoiceField(label=_("Partner organisation"), coerce=int, choices=[])
    can_read = forms.BooleanField(label=_("May read"), required=False, initial=True)
    can_write = forms.BooleanField(label=_("May add objects"), required=False)


class ImportForm(forms.Form):
    """A STIX 2.1 bundle file to import."""

    bundle = forms.FileField(label=_("STIX 2.1 bundle (JSON)"))


class FeedForm(forms.Form):
    """A partner TAXII 2.1 collection to pull on a schedule."""

    name = forms.CharField(label=_("Name"), max_length=200)
    collection_url = forms.URLField(label=_("Partner collection URL"), max_length=500, assume_scheme="https")
    token = forms.CharField(label=_("Bearer token issued by the partner"), max_length=500, widget=forms.PasswordInput)
    partner = forms.TypedChoiceField(label=_("Partner organisation"), coerce=int, choices=[])
    target = forms.TypedChoiceField(label=_("Into collection"), coerce=int, choices=[])
