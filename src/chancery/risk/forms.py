"""Forms of the risk pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.risk.models import RiskTier


class ReviewForm(forms.Form):
    """An analyst's decision on a draft."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("adjust", _("Adjust")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    adjusted_probability = forms.FloatField(
        label=_("Adjusted probability (0 to 1)"), required=False, min_value=0.0, max_value=1.0
    )
    adjusted_value = forms.FloatField(
        label=_("Adjusted figure (export forecast in US$ million, or mean tone from -1 to 1)"), required=False
    )
    rationale = forms.CharField(label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScenarioForm(forms.Form):
    """The trade scenario: a partner, a currency move, a commodity move, an agreement."""

    def __init__(self, *args: Any, agreements: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        """Offer ``agreements`` (key, label) as the "under agreement Z" choices."""
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No agreement")), *(agreements or [])]

    partner = forms.CharField(label=_("Partner (as named in IMF DOTS)"), max_length=80)
    currency = forms.FloatField(label=_("Partner currency change against the US dollar (%)"), initial=0.0)
    commodity = forms.ChoiceField(
        label=_("Commodity"),
        choices=[
            ("PCOFFROB", _("Coffee, robusta")),
            ("PRICENPQ", _("Rice")),
            ("PRUBB", _("Rubber")),
            ("PSHRI", _("Shrimp")),
            ("POILAPSP_USD", _("Crude oil")),
            ("PCOAL", _("Coal")),
        ],
    )
    commodity_change = forms.FloatField(label=_("Commodity price change (%)"), initial=0.0)
    agreement = forms.ChoiceField(label=_("Under agreement"), required=False)


class UseCaseForm(forms.Form):
    """An administrator's edit of one use-case register entry."""

    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("Owner"), max_length=120)
    risk_tier = forms.ChoiceField(label=_("Risk tier"), choices=RiskTier.choices)
    impact_assessment = forms.CharField(label=_("Impact assessment"), widget=forms.Textarea(attrs={"rows": 5}))
