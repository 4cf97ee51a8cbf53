"""The compose form: a fixed number of paragraph rows (more with "add paragraph"), no JavaScript needed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chancery.cables.content import CableContent, ParagraphIn
from chancery.platform.enums import Classification

DEFAULT_ROWS = 3
MAX_ROWS = 50


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.replace(";", ",").split(",") if item.strip()]


class CableForm(forms.Form):
    """Subject, markings, addressees, clearers and numbered paragraphs with their portion markings."""

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS, initial=DEFAULT_ROWS)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    classification = forms.TypedChoiceField(label=_("Overall classification"), coerce=int)
    precedence = forms.ChoiceField(label=_("Precedence"))
    tags = forms.CharField(
        label=_("TAGS"),
        required=False,
        help_text=_("Subject and country tags separated by commas, e.g. PREL, ECON, JP."),
    )
    captions = forms.CharField(
        label=_("Captions"), required=False, help_text=_("Handling instructions separated by commas, e.g. EXDIS.")
    )
    action = forms.MultipleChoiceField(label=_("Action addressees"), widget=forms.CheckboxSelectMultiple)
    info = forms.MultipleChoiceField(label=_("Info addressees"), required=False, widget=forms.CheckboxSelectMultiple)
    clearers = forms.MultipleChoiceField(
        label=_("Clearing offices"), required=False, widget=forms.CheckboxSelectMultiple
    )
    references = forms.CharField(
        label=_("References"), required=False, help_text=_("Numbers (ids) of earlier cables, separated by commas.")
    )
    compartments = forms.MultipleChoiceField(
        label=_("Compartments"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only readers holding every compartment chosen will see the cable."),
    )
    attachments = forms.CharField(
        label=_("Attachments from the vault"),
        required=False,
        help_text=_("Numbers (ids) of vault documents you may read, separated by commas."),
    )

    def __init__(
        self,
        *args: Any,
        clearance: int,
        units: list[tuple[str, str]],
        compartments: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartments"].choices = compartments or []  # type: ignore[attr-defined]
        markings = [(value, label) for value, label in Classification.choices if value <= clearance]
        self.fields["classification"].choices = markings  # type: ignore[attr-defined]
        self.fields["precedence"].choices = [(p, p) for p in settings.CABLE_PRECEDENCES]  # type: ignore[attr-defined]
        for name in ("action", "info", "clearers"):
            self.fields[name].choices = units  # type: ignore[attr-defined]
        self.row_count = self._rows()
        self.paragraph_rows = []
        for number in range(1, self.row_count + 1):
            marking = forms.TypedChoiceField(
                label=_("Paragraph %(n)d marking") % {"n": number}, choices=markings, coerce=int, required=False
            )
            text = forms.CharField(
                label=_("Paragraph %(n)d") % {"n": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=settings.CABLE_MAX_BODY_CHARS + 1,
            )
            self.fields[f"p{number}_classification"] = marking
            self.fields[f"p{number}_text"] = text
            self.paragraph_rows.append((self[f"p{number}_classification"], self[f"p{number}_text"]))

    def _rows(self) -> int:
        raw = self.data.get("rows") if self.is_bound else self.initial.get("rows")
        try:
            rows = int(raw) if raw is not None else DEFAULT_ROWS
        except (TypeError, ValueError):
            rows = DEFAULT_ROWS
        if self.is_bound and "add_paragraph" in self.data:
            rows += 1
        return max(1, min(rows, MAX_ROWS))

    def main_fields(self) -> list[forms.BoundField]:
        """The fields above the paragraphs (the template lays them out in order)."""
        return [self[name] for name in ("subject", "classification", "precedence", "tags", "captions")]

    def addressee_fields(self) -> list[forms.BoundField]:
        """The checkbox groups for addressees and clearers."""
        return [self[name] for name in ("action", "info", "clearers")]

    def clean_attachments(self) -> list[int]:
        """Parse the attached vault document ids (digits only)."""
        values = _split(self.cleaned_data.get("attachments") or "")
        if any(not v.isdigit() for v in values):
            raise forms.ValidationError(_("Use vault document ids (digits) separated by commas."))
        return [int(v) for v in values]

    def clean_references(self) -> list[int]:
        """Parse the reference ids (digits only)."""
        values = _split(self.cleaned_data.get("references") or "")
        if any(not v.isdigit() for v in values):
            raise forms.ValidationError(_("Use cable ids (digits) separated by commas."))
        return [int(v) for v in values]

    def content(self) -> CableContent:
        """Return the validated form as cable content (call after ``is_valid``)."""
        data = self.cleaned_data
        paragraphs = [
            ParagraphIn(
                classification=int(data.get(f"p{n}_classification") or Classification.UNCLASSIFIED),
                text=data.get(f"p{n}_text") or "",
            )
            for n in range(1, self.row_count + 1)
        ]
        return CableContent(
            subject=data["subject"],
            classification=int(data["classification"]),
            precedence=data["precedence"],
            paragraphs=paragraphs,
            action_codes=list(data["action"]),
            info_codes=list(data.get("info") or []),
            clearer_codes=list(data.get("clearers") or []),
            tags=_split(data.get("tags") or ""),
            captions=_split(data.get("captions") or ""),
            reference_ids=list(data.get("references") or []),
            compartment_codes=list(data.get("compartments") or []),
            attachment_ids=list(data.get("attachments") or []),
        )


def initial_from(view: Any) -> dict[str, Any]:
    """Return the form's initial values from an opened cable (``selectors.CableView``)."""
    cable = view.cable
    initial: dict[str, Any] = {
        "rows": max(DEFAULT_ROWS, len(view.paragraphs)),
        "subject": view.subject,
        "classification": cable.classification,
        "precedence": cable.precedence,
        "tags": ", ".join(cable.tags),
        "captions": ", ".join(cable.captions),
        "action": [a.organisation.code for a in view.addressees if a.kind == "action"],
        "info": [a.organisation.code for a in view.addressees if a.kind == "info"],
        "clearers": [c.office.code for c in view.clearances],
        "references": ", ".join(str(r.pk) for r in view.references),
        "compartments": list(view.compartments),
        "attachments": ", ".join(str(a.document_id) for a in view.attachments),
    }
    for paragraph in view.paragraphs:
        initial[f"p{paragraph.number}_classification"] = paragraph.classification
        initial[f"p{paragraph.number}_text"] = paragraph.text
    return initial
