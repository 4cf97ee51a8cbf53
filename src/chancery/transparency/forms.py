"""The auditors' record look-up form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RecordLookupForm(forms.Form):
    """A record type (e.g. ``audit.event``) and id to look up in the log."""

    record_type = forms.CharField(label=_("Record type"), max_length=64, initial="audit.event")
    record_id = forms.CharField(label=_("Record id"), max_length=64)
