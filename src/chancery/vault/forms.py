"""Forms for the vault's pages: upload, new version, share, comment, search, compare and retention."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chancery.platform.enums import TLP, Classification
from chancery.vault.enums import Language


class UploadForm(forms.Form):
    """A new document and its first file. Classification choices stop at the uploader's clearance."""

    file = forms.FileField(
        label=_("File"), help_text=_("PDF, DOCX, plain text, Markdown, HTML or an image (PNG, JPEG, GIF, WebP).")
    )
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    description_vi = forms.CharField(
        label=_("Description (Vietnamese)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, choices=())
    compartments = forms.MultipleChoiceField(
        label=_("Compartments (need to know)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tlp = forms.ChoiceField(label=_("TLP marking"), choices=TLP.choices, initial=TLP.AMBER)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))
    countries = forms.CharField(
        label=_("Countries"), required=False, help_text=_("ISO 3166-1 codes separated by commas, e.g. JP, FR.")
    )
    retention_class = forms.ChoiceField(label=_("Retention class"), required=False, choices=())

    def __init__(
        self, *args: Any, clearance: int, compartments: Iterable[Any], retention_classes: Iterable[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [(v, label) for v, label in Classification.choices if v <= clearance]  # type: ignore[attr-defined]
        self.fields["classification"].initial = Classification.INTERNAL
        self.fields["compartments"].choices = [(c.code, c.name) for c in compartments]  # type: ignore[attr-defined]
        self.fields["retention_class"].choices = [("", _("None")), *((r.code, r.name) for r in retention_classes)]  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    """A new version's file."""

    file = forms.FileField(label=_("New version"))


class ShareForm(forms.Form):
    """Share with an organisation (unit or partner) or a user, optionally until a date."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False, choices=())
    username = forms.CharField(label=_("or user name"), max_length=150, required=False)
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for no expiry."),
    )

    def __init__(self, *args: Any, organisations: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—"), *((o.code, o.name) for o in organisations)]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    """A comment."""

    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class SearchForm(forms.Form):
    """Words to find."""

    q = forms.CharField(label=_("Search the vault"), max_length=200, required=False)


class CompareForm(forms.Form):
    """Two version numbers to compare."""

    old = forms.IntegerField(label=_("Older version"), min_value=1)
    new = forms.IntegerField(label=_("Newer version"), min_value=1)


class HoldForm(forms.Form):
    """The reason for a legal hold (a case or request reference, not classified content)."""

    reason = forms.CharField(
        label=_("Reason for the legal hold"),
        max_length=300,
        help_text=_("A case, inquiry or request reference; at most 300 characters."),
    )
    back = forms.CharField(widget=forms.HiddenInput, required=False)


class RetentionForm(forms.Form):
    """A document's retention class (none: kept until someone sets one)."""

    retention_class = forms.ChoiceField(label=_("Retention class"), required=False, choices=())

    def __init__(self, *args: Any, retention_classes: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("None (keep until a class is set)")),
            *(
                (r.code, gettext("%(name)s: %(days)s days") % {"name": r.name, "days": r.retention_days})
                for r in retention_classes
            ),
        ]
        self.fields["retention_class"].choices = choices  # type: ignore[attr-defined]
