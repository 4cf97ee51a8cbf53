"""Pages for the signed-in user's personal API tokens: list, create (secret shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chancery.identity.token_forms import ApiTokenCreateForm
from chancery.identity.tokens import api_token_create, api_token_list, api_token_revoke
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from chancery.platform.http import page_actor


def _actor(request: HttpRequest) -> Actor:
    return page_actor(request)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one; a created token's secret is shown on this response only."""
    actor = _actor(request)
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(
                actor=actor,
                name=form.cleaned_data["name"],
                scopes=list(form.cleaned_data["scopes"]),
                lifetime_days=form.cleaned_data["lifetime_days"],
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return render(request, "identity/tokens_created.html", {"issued": issued}, status=201)
    token_list = list(api_token_list(actor=actor))
    status = 400 if form.errors else 200
    return render(request, "identity/tokens.html", {"tokens": token_list, "form": form}, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens and go back to the list."""
    token = api_token_revoke(actor=_actor(request), token_id=token_id)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("identity:tokens")
