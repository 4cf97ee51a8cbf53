"""The form that creates a personal API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.identity.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, api_token_scope_choices


class ApiTokenCreateForm(forms.Form):
    """Name, scopes (checkboxes, one per domain and level) and lifetime in days (1 to 365, default 90)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “treaty dashboard”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The token can never do more than you can; scopes narrow it further."),
    )
    lifetime_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
        help_text=_("At most 365 days."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = [(scope, scope) for scope in api_token_scope_choices()]
