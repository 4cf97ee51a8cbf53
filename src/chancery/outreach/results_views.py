"""Pages: a post's and a campaign's results, sending replies to intelligence, and the unit's templates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chancery.outreach import engagement, results, selectors, services
from chancery.platform import access
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


@login_required
def post_results(request: HttpRequest, post_id: int) -> HttpResponse:
    """Render a post's engagement (totals, by platform, language and region, over time) and its replies."""
    actor = page_actor(request)
    post, found = results.post_results(actor=actor, post_id=post_id)
    context = {
        "post": post,
        "results": found,
        "replies": results.post_replies(actor=actor, post=post),
        "may_send": access.can(actor, "outreach.engagement_send", post),
    }
    return render(request, "outreach/results.html", context)


@login_required
def campaign_results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Render a campaign's engagement over the posts the user may see, post by post."""
    actor = page_actor(request)
    campaign, found = results.campaign_results(actor=actor, campaign_id=campaign_id)
    return render(request, "outreach/campaign_results.html", {"campaign": campaign, "results": found})


@login_required
@require_POST
def replies_send(request: HttpRequest, post_id: int) -> HttpResponse:
    """Send the post's replies and mentions not yet sent to the intelligence pipeline, then show the results."""
    actor = page_actor(request)
    try:
        sent = engagement.replies_send(actor=actor, post_id=post_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("%(n)d replies sent to the intelligence pipeline.") % {"n": sent})
    return redirect("outreach:results", post_id=post_id)


class TemplateForm(forms.Form):
    """A reusable starting text: its name and both language versions."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    text_vi = forms.CharField(
        label=gettext_lazy("Vietnamese text"), widget=forms.Textarea(attrs={"rows": 5, "lang": "vi"})
    )
    text_en = forms.CharField(
        label=gettext_lazy("English text"), widget=forms.Textarea(attrs={"rows": 5, "lang": "en"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest) -> HttpResponse:
    """List the unit's reusable templates and let a press officer add one."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.draft"):
        raise DjangoPermissionDenied
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_create(actor=actor, **form.cleaned_data)
        except DomainError as error:
            for name, found in error.errors.items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("outreach:templates")
    status = 400 if form.errors else 200
    context = {"templates": selectors.template_list(actor=actor), "form": form, "can_draft": True}
    return render(request, "outreach/templates.html", context, status=status)
