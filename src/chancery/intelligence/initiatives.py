"""Writes on initiative trackers: define and change an initiative (administrators and analysts).

Each service validates every field first (InvalidInput naming each bad field: no keyword or entity, unknown
country codes, unsupported languages), then writes in one transaction and audits with metadata only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.intelligence.models import Initiative
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound

LANGUAGES = ("vi", "en")
MAX_TERMS = 50
MAX_TERM_CHARS = 100


def _country_codes() -> set[str]:
    import pycountry

    return {country.alpha_3 for country in pycountry.countries}


def _terms(values: Iterable[str], *, field: str, errors: dict[str, list[str]]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(cleaned) > MAX_TERMS or any(len(v) > MAX_TERM_CHARS for v in cleaned):
        errors[field] = [_("At most 50 entries of at most 100 characters each.")]
    return cleaned


def _name(value: str, *, field: str, errors: dict[str, list[str]]) -> str:
    if not value.strip() or len(value.strip()) > 200:
        errors[field] = [_("Enter a name of at most 200 characters.")]
    return value.strip()


def initiative_clean(
    *,
    name_en: str,
    name_vi: str,
    keywords: Iterable[str],
    people: Iterable[str] = (),
    organisations: Iterable[str] = (),
    countries: Iterable[str] = (),
    languages: Iterable[str] = (),
) -> dict[str, Any]:
    """Validate an initiative's fields; return them cleaned or raise InvalidInput naming each bad field.

    Needs at least one keyword, person or organisation; countries are ISO 3166 alpha-3 codes; languages are
    those the pipeline reads (``vi``, ``en``).
    """
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {
        "name_en": _name(name_en, field="name_en", errors=errors),
        "name_vi": _name(name_vi, field="name_vi", errors=errors),
        "keywords": _terms(keywords, field="keywords", errors=errors),
        "people": _terms(people, field="people", errors=errors),
        "organisations": _terms(organisations, field="organisations", errors=errors),
    }
    codes = [c.upper() if c.isascii() else c for c in _terms(countries, field="countries", errors=errors)]
    unknown = [c for c in codes if c not in _country_codes()]
    if unknown:
        errors["countries"] = [_("Unknown ISO 3166 alpha-3 codes: %(codes)s") % {"codes": ", ".join(unknown[:5])}]
    fields["countries"] = codes
    langs = [code.lower() for code in _terms(languages, field="languages", errors=errors)]
    strange = [code for code in langs if code not in LANGUAGES]
    if strange:
        errors["languages"] = [
            _("Unknown languages: %(codes)s (use vi or en).") % {"codes": ", ".join(c[:8] for c in strange[:5])}
        ]
    fields["languages"] = langs
    if "keywords" not in errors and not (fields["keywords"] or fields["people"] or fields["organisations"]):
        errors["keywords"] = [_("Enter at least one keyword, person or organisation.")]
    if errors:
        raise InvalidInput(_("The initiative is not valid."), errors=errors)
    return fields


def initiative_create(
    *,
    actor: Actor,
    name_en: str,
    name_vi: str,
    keywords: Iterable[str],
    people: Iterable[str] = (),
    organisations: Iterable[str] = (),
    countries: Iterable[str] = (),
    languages: Iterable[str] = (),
) -> Initiative:
    """Define an initiative (administrators and analysts). Emits audit ``intelligence.initiative_created``."""
    access.require(actor, "intelligence.define_initiative")
    fields = initiative_clean(
        name_en=name_en,
        name_vi=name_vi,
        keywords=keywords,
        people=people,
        organisations=organisations,
        countries=countries,
        languages=languages,
    )
    with transaction.atomic():
        initiative = Initiative.objects.create(created_by_id=actor.user_id, **fields)
        audit_record(
            actor=actor,
            action="intelligence.initiative_created",
            object_type="intelligence.initiative",
            object_id=initiative.pk,
        )
    return initiative


def initiative_update(
    *,
    actor: Actor,
    initiative_id: int,
    name_en: str,
    name_vi: str,
    keywords: Iterable[str],
    people: Iterable[str] = (),
    organisations: Iterable[str] = (),
    countries: Iterable[str] = (),
    languages: Iterable[str] = (),
) -> Initiative:
    """Replace an initiative's definition (administrators and analysts; NotFound when missing).

    Emits audit ``intelligence.initiative_changed`` naming the changed fields.
    """
    access.require(actor, "intelligence.define_initiative")
    fields = initiative_clean(
        name_en=name_en,
        name_vi=name_vi,
        keywords=keywords,
        people=people,
        organisations=organisations,
        countries=countries,
        languages=languages,
    )
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().filter(pk=initiative_id).first()
        if initiative is None:
            raise NotFound
        changed = sorted(key for key, value in fields.items() if getattr(initiative, key) != value)
        for key, value in fields.items():
            setattr(initiative, key, value)
        initiative.updated_at = timezone.now()
        initiative.save()
        audit_record(
            actor=actor,
            action="intelligence.initiative_changed",
            object_type="intelligence.initiative",
            object_id=initiative.pk,
            detail={"fields": changed},
        )
    return initiative
