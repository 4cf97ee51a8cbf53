"""Forms of the awareness pages (labels translated; the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportForm(forms.Form):
    """A suspicious message saved from the mail client as an .eml file."""

    message = forms.FileField(
        label=_("Suspicious message (.eml file)"),
        help_text=_("In your mail program, save or forward the message as an attachment (.eml), then choose it here."),
    )


class TriageForm(forms.Form):
    """A security officer's decision on a report."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm: phishing")), ("dismiss", _("Dismiss: not phishing"))],
        widget=forms.RadioSelect,
    )
    collection = forms.ChoiceField(label=_("Share the indicators in collection"), required=False, choices=[])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TemplateForm(forms.Form):
    """A drill template (the message and its landing page)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    sender_name = forms.CharField(label=_("Sender name"), max_length=100)
    sender_address = forms.EmailField(label=_("Sender address"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Body (plain text; {link} marks the link)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    landing_title = forms.CharField(label=_("Landing page title"), max_length=200)
    landing_prompt = forms.CharField(label=_("Landing page prompt"), max_length=300)
    course = forms.TypedChoiceField(label=_("Course for those who fall for it"), coerce=int, choices=[])


class CampaignForm(forms.Form):
    """A drill to schedule: a template, a target group and a time."""

    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.TypedChoiceField(label=_("Template"), coerce=int, choices=[])
    target_roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    target_organisations = forms.TypedMultipleChoiceField(
        label=_("Units and missions"), required=False, coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )
    scheduled_at = forms.DateTimeField(label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class AssignmentForm(forms.Form):
    """A course to assign to roles and/or units and missions, with a due date."""

    course = forms.TypedChoiceField(label=_("Course"), coerce=int, choices=[])
    target_roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    target_organisations = forms.TypedMultipleChoiceField(
        label=_("Units and missions"), required=False, coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )
    due_at = forms.DateTimeField(
        label=_("Due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
