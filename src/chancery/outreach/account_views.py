"""Set-up pages for the press office: connected accounts (sign in, re-authorise, check, disconnect), workflow.

Mounted under ``/outreach/accounts/`` and ``/outreach/workflow/``; every page needs ``outreach.manage``
(press officers and administrators of the unit). Signing in to Mastodon, X or Facebook redirects to the
platform, which redirects back to :func:`account_callback`; Bluesky signs in with an app password.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chancery.outreach import account_selectors, account_services, services
from chancery.outreach.enums import Language, StepMode
from chancery.outreach.platforms import Platform
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor

MAX_STEPS = 5
SIGN_IN_PLATFORMS = [
    (Platform.MASTODON.value, "Mastodon"),
    (Platform.X.value, "X"),
    (Platform.FACEBOOK.value, "Facebook"),
]


class SignInForm(forms.Form):
    """Connect an account through the platform's own sign-in page (OAuth 2)."""

    platform = forms.ChoiceField(label=gettext_lazy("Platform"), choices=SIGN_IN_PLATFORMS)
    language = forms.ChoiceField(label=gettext_lazy("Posts in"), choices=Language.choices)
    base_url = forms.URLField(
        label=gettext_lazy("Server address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The Mastodon instance, e.g. https://mastodon.social (X and Facebook: leave empty)."),
    )
    web_base_url = forms.URLField(
        label=gettext_lazy("Sign-in page address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Only for a test or private deployment of X or Facebook; leave empty."),
    )
    page_id = forms.CharField(
        label=gettext_lazy("Facebook Page id"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Only when you manage several Pages."),
    )


class BlueskyForm(forms.Form):
    """Connect a Bluesky account with an app password."""

    identifier = forms.CharField(label=gettext_lazy("Handle"), max_length=253)
    app_password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Create one in Bluesky: Settings, Privacy and security, App passwords."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Posts in"), choices=Language.choices)
    base_url = forms.URLField(label=gettext_lazy("Server address"), max_length=200, initial="https://bsky.social")


def _manager(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "outreach.manage", actor.organisation_id):
        raise DjangoPermissionDenied
    return actor


def _callback_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("outreach:account_callback"))


def _add_errors(form: forms.Form, error: DomainError) -> None:
    placed = False
    for name, found in error.errors.items():
        for message in found:
            if name in form.fields:
                form.add_error(name, message)
                placed = True
    if not placed:
        form.add_error(None, error.detail)


def _accounts_page(request: HttpRequest, actor: Actor, *, status: int = 200, **forms_in: Any) -> HttpResponse:
    context = {
        "accounts": account_selectors.accounts_managed(actor=actor),
        "sign_in_form": forms_in.get("sign_in_form") or SignInForm(prefix="oauth"),
        "bluesky_form": forms_in.get("bluesky_form") or BlueskyForm(prefix="bluesky"),
        "problem": forms_in.get("problem", ""),
        "can_draft": access.can(actor, "outreach.draft"),
        "can_manage": True,
    }
    return render(request, "outreach/accounts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest) -> HttpResponse:
    """List the unit's accounts; connect one (platform sign-in, or Bluesky app password)."""
    actor = _manager(request)
    if request.method != "POST":
        return _accounts_page(request, actor)
    if request.POST.get("form") == "bluesky":
        bluesky = BlueskyForm(request.POST, prefix="bluesky")
        if bluesky.is_valid():
            try:
                account_services.account_bluesky_connect(
                    actor=actor, account=account_services.BlueskyIn(**bluesky.cleaned_data)
                )
            except DomainError as error:
                _add_errors(bluesky, error)
            else:
                messages.success(request, _("The Bluesky account is connected."))
                return redirect("outreach:accounts")
        return _accounts_page(request, actor, status=400, bluesky_form=bluesky)
    sign_in = SignInForm(request.POST, prefix="oauth")
    if sign_in.is_valid():
        try:
            url = account_services.account_sign_in_start(
                actor=actor,
                start=account_services.SignInStart(**sign_in.cleaned_data),
                callback_base=_callback_base(request),
            )
        except DomainError as error:
            _add_errors(sign_in, error)
        else:
            return HttpResponseRedirect(url)
    return _accounts_page(request, actor, status=400, sign_in_form=sign_in)


@login_required
@require_GET
def account_callback_base(request: HttpRequest) -> HttpResponse:
    """The root of the callback addresses: no server answers here (each has its own address below it)."""
    _manager(request)
    return redirect("outreach:accounts")


@login_required
@require_GET
def account_callback(request: HttpRequest, server: str) -> HttpResponse:
    """Where a platform sends the user back after signing in (``state`` and ``code`` or ``error``).

    ``server`` names the authorization server this address belongs to; the service checks it matches.
    """
    actor = _manager(request)
    try:
        account = account_services.account_sign_in_complete(
            actor=actor,
            server=server,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except DomainError as error:
        return _accounts_page(request, actor, status=400, problem=error.detail)
    messages.success(
        request,
        _("%(handle)s on %(platform)s is connected.")
        % {
            "handle": account.handle,
            "platform": account.get_platform_display(),
        },
    )
    return redirect("outreach:accounts")


@login_required
@require_POST
def account_action(request: HttpRequest, account_id: int, verb: str) -> HttpResponse:
    """Re-authorise, check or disconnect one account of the unit."""
    actor = _manager(request)
    try:
        account = account_selectors.account_get(actor=actor, account_id=account_id)
        if verb == "reauthorise" and account.platform == Platform.BLUESKY:
            account_services.account_bluesky_connect(
                actor=actor,
                account=account_services.BlueskyIn(
                    identifier=request.POST.get("identifier", "") or account.handle,
                    app_password=request.POST.get("app_password", ""),
                    account_id=account.pk,
                ),
            )
            messages.success(request, _("The account is signed in again."))
        elif verb == "reauthorise":
            url = account_services.account_sign_in_start(
                actor=actor,
                start=account_services.SignInStart(platform=account.platform, account_id=account.pk),
                callback_base=_callback_base(request),
            )
            return HttpResponseRedirect(url)
        elif verb == "check":
            checked = account_services.account_check(actor=actor, account_id=account.pk)
            if checked.status_detail:
                messages.error(request, checked.status_detail)
            else:
                messages.success(request, _("The account's credentials work."))
        elif verb == "disconnect":
            gone = account_services.account_disconnect(actor=actor, account_id=account.pk)
            if gone.status_detail:  # not revoked at the platform, or something left to do there
                messages.warning(request, gone.status_detail)
            else:
                done = _("The account is disconnected: its access was revoked and its credentials destroyed.")
                messages.success(request, done)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return _accounts_page(request, actor, status=400, problem=error.detail)
    return redirect("outreach:accounts")


class WorkflowForm(forms.Form):
    """Up to five approval steps, each with a name, any-of/all-of and its approvers."""

    def __init__(self, *args: Any, approvers: Any, steps: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_STEPS + 1):
            current = steps[number - 1] if number <= len(steps) else None
            self.fields[f"name_{number}"] = forms.CharField(
                label=_("Step %(n)d: name") % {"n": number},
                max_length=100,
                required=False,
                initial=current.name if current else "",
            )
            self.fields[f"mode_{number}"] = forms.ChoiceField(
                label=_("Step %(n)d: who must approve") % {"n": number},
                choices=StepMode.choices,
                required=False,
                initial=current.mode if current else StepMode.ANY,
            )
            self.fields[f"approvers_{number}"] = forms.ModelMultipleChoiceField(
                label=_("Step %(n)d: approvers") % {"n": number},
                queryset=approvers,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[user.pk for user in current.approvers.all()] if current else [],
            )

    def steps(self) -> list[services.StepIn]:
        """Return the filled-in steps, in order (rows without a name are left out)."""
        filled = []
        for number in range(1, MAX_STEPS + 1):
            name = self.cleaned_data.get(f"name_{number}", "").strip()
            approvers = self.cleaned_data.get(f"approvers_{number}") or []
            if name or approvers:
                filled.append(
                    services.StepIn(
                        name=name,
                        mode=self.cleaned_data.get(f"mode_{number}") or StepMode.ANY,
                        approver_ids=[user.pk for user in approvers],
                    )
                )
        return filled

    def rows(self) -> list[list[forms.BoundField]]:
        """Return the bound fields grouped per step, for the template."""
        return [
            [self[f"name_{number}"], self[f"mode_{number}"], self[f"approvers_{number}"]]
            for number in range(1, MAX_STEPS + 1)
        ]


@login_required
@require_http_methods(["GET", "POST"])
def workflow(request: HttpRequest) -> HttpResponse:
    """Show and replace the unit's approval workflow (steps, any-of/all-of, approvers)."""
    actor = _manager(request)
    steps = account_selectors.workflow_get(actor=actor)
    approvers = account_selectors.approver_choices(actor=actor)
    form = WorkflowForm(request.POST or None, approvers=approvers, steps=steps)
    if request.method == "POST" and form.is_valid():
        try:
            services.workflow_set(actor=actor, steps=form.steps())
        except DomainError as error:
            for found in error.errors.values():
                for message in found:
                    form.add_error(None, message)
            if not error.errors:
                form.add_error(None, error.detail)
        else:
            messages.success(request, _("The approval workflow is saved."))
            return redirect("outreach:workflow")
    context = {"form": form, "steps": steps, "can_draft": access.can(actor, "outreach.draft"), "can_manage": True}
    return render(request, "outreach/workflow.html", context, status=400 if form.errors else 200)
