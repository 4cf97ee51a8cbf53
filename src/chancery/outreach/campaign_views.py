"""Pages for campaigns: the unit's campaigns with a form to add one, and one campaign with its posts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chancery.outreach import selectors, services
from chancery.platform import access
from chancery.platform.errors import DomainError
from chancery.platform.http import page_actor


class CampaignForm(forms.Form):
    """A campaign's names in both languages and its days."""

    name_vi = forms.CharField(label=gettext_lazy("Vietnamese name"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=gettext_lazy("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    """List the unit's campaigns; press officers add one with the form."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.view"):
        raise DjangoPermissionDenied
    can_draft = access.can(actor, "outreach.draft")
    form = CampaignForm(request.POST or None) if can_draft else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                created = services.campaign_create(actor=actor, campaign=services.CampaignIn(**form.cleaned_data))
            except DomainError as error:
                for name, found in error.errors.items():
                    for message in found:
                        form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect("outreach:campaign", campaign_id=created.pk)
    context = {"campaigns": selectors.campaign_list(actor=actor), "form": form, "can_draft": can_draft}
    status = 400 if form is not None and form.errors else 200
    return render(request, "outreach/campaigns.html", context, status=status)


@login_required
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Render one campaign with the posts in it the user may see."""
    actor = page_actor(request)
    found, posts = selectors.campaign_get(actor=actor, campaign_id=campaign_id)
    return render(request, "outreach/campaign.html", {"campaign": found, "posts": posts})
