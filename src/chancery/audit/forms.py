"""The audit log's filter form (a GET form: it works without JavaScript and links can be shared)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.audit.enums import Outcome
from chancery.audit.selectors import AuditFilters


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


class AuditFilterForm(forms.Form):
    """Filter by actor, action, outcome and an inclusive date range."""

    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("Matches actions starting with this text, e.g. “identity.”."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *Outcome.choices],
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        """Refuse a range that ends before it starts."""
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if isinstance(since, date) and isinstance(until, date) and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """Return the validated filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        return AuditFilters(
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            outcome=data.get("outcome") or "",
            since=_start_of(since) if since else None,
            until=_start_of(until + timedelta(days=1)) if until else None,
        )
