"""People and organisations named in a text, from a curated bilingual gazetteer that analysts can extend.

Aliases are matched case-sensitively on word tokens, longest alias first (``Security Council`` before
``Council``), so ``WHO`` is the organisation and ``who`` is not. Results are entity ids in order of first
mention: a person's id is their display name, an organisation's its short code (``UN``, ``ASEAN``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.gazetteer_entities import ENTITIES, ORGANISATION, PERSON
from chancery_analytics.nlp.tokenise import NAME_TOKEN, name_lines

MODEL_ID = "entities-gazetteer@2026.11.1"
KINDS = (PERSON, ORGANISATION)
MAX_ALIAS_CHARS = 200

_TOKEN = NAME_TOKEN


@dataclass(frozen=True, slots=True)
class Entity:
    """One gazetteer entry: a stable ``id``, its kind, its country (ISO alpha-3 or ``""``), role and aliases."""

    id: str
    kind: str
    aliases: tuple[str, ...]
    country: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class EntityTags:
    """People and organisations named in a text (ids, first mention first) and the gazetteer's model id."""

    people: list[str]
    organisations: list[str]
    model: str = MODEL_ID


@dataclass(frozen=True)
class Gazetteer:
    """An alias table: token tuple → entity, and the longest alias (in tokens) starting with each token."""

    entities: Mapping[str, Entity]
    table: Mapping[tuple[str, ...], Entity]
    widths: Mapping[str, int]
    model: str = MODEL_ID


def _key(alias: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(alias))


def _curated() -> list[Entity]:
    return [
        Entity(id=key, kind=kind, aliases=tuple(a for a in aliases.split("|") if a), country=country, role=role)
        for key, (kind, country, role, aliases) in ENTITIES.items()
    ]


def entities_gazetteer(extra: Iterable[Entity] = (), *, model: str = "") -> Gazetteer:
    """Return the curated gazetteer extended by ``extra`` entries (an analyst's; theirs win on clashes).

    An extra entry with the id of a curated one replaces it (e.g. after a change of office); an extra alias
    equal to a curated alias takes it over. ``model`` names the result (default: the curated model id, with
    ``+N`` appended when ``N`` extra entries were given) so results record which table produced them.
    """
    extra = list(extra)
    entities: dict[str, Entity] = {entity.id: entity for entity in _curated()}
    for entity in extra:
        if entity.kind not in KINDS:
            raise ValueError(f"unknown entity kind {entity.kind!r}")
        entities[entity.id] = entity
    table: dict[tuple[str, ...], Entity] = {}
    for entity in entities.values():
        for alias in entity.aliases:
            key = _key(alias)
            if key:
                table[key] = entity
    widths: dict[str, int] = {}
    for key in table:
        widths[key[0]] = max(widths.get(key[0], 0), len(key))
    name = model or (MODEL_ID if not extra else f"{MODEL_ID}+{len(extra)}")
    return Gazetteer(entities=entities, table=table, widths=widths, model=name)


@cache
def _default() -> Gazetteer:
    return entities_gazetteer()


def entities_tag(text: str, gazetteer: Gazetteer | None = None, shared: TextCounts | None = None) -> EntityTags:
    """Return the people and organisations ``text`` names (needs normalised text; default: curated table).

    ``shared``: optional :class:`TextCounts` of the same text, whose name tokens the other taggers read too.
    """
    gazetteer = gazetteer or _default()
    table, widths = gazetteer.table, gazetteer.widths
    people: dict[str, None] = {}
    organisations: dict[str, None] = {}
    lines = shared.name_lines() if shared is not None and shared.text == text else name_lines(text)
    for line, tokens in zip(text.split("\n"), lines, strict=True):
        # Only positions whose token can start an alias are tried (most tokens cannot): one pass in C-speed.
        if "'s" in line:
            starts = [i for i, token in enumerate(tokens) if token in widths or token.removesuffix("'s") in widths]
        else:  # no possessive on the line: the same positions, without stripping every token
            starts = [i for i, token in enumerate(tokens) if token in widths]
        done = 0
        for i in starts:
            if i < done:
                continue
            window = [token.removesuffix("'s") for token in tokens[i : i + widths.get(tokens[i].removesuffix("'s"), 0)]]
            for width in range(len(window), 0, -1):
                entity = table.get(tuple(window[:width]))
                if entity is not None:
                    (people if entity.kind == PERSON else organisations)[entity.id] = None
                    done = i + width
                    break
    return EntityTags(people=list(people), organisations=list(organisations), model=gazetteer.model)


def entity_parse(data: Any) -> Entity:
    """Return the :class:`Entity` an analyst described as a JSON object; raise ``ValueError`` naming the field.

    Needs ``{"id": str, "kind": "person"|"organisation", "aliases": [str, ...]}`` with optional ``country``
    (ISO alpha-3) and ``role`` strings. Aliases are trimmed; empty ones are dropped; at least one must remain.
    """
    if not isinstance(data, dict):
        raise ValueError("entry: not a JSON object")
    identifier = data.get("id")
    if not isinstance(identifier, str) or not identifier.strip() or len(identifier) > MAX_ALIAS_CHARS:
        raise ValueError("id: a non-empty string of at most 200 characters")
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValueError("kind: 'person' or 'organisation'")
    aliases = data.get("aliases")
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError("aliases: a list of strings")
    cleaned = tuple(a.strip() for a in aliases if a.strip() and len(a) <= MAX_ALIAS_CHARS and _key(a))
    if not cleaned:
        raise ValueError("aliases: at least one alias with a letter or digit")
    country = data.get("country", "")
    if not isinstance(country, str) or (country and not (len(country) == 3 and country.isalpha())):
        raise ValueError("country: an ISO 3166-1 alpha-3 code")
    role = data.get("role", "")
    if not isinstance(role, str):
        raise ValueError("role: a string")
    return Entity(id=identifier.strip(), kind=kind, aliases=cleaned, country=country.upper(), role=role)


def entities_read(lines: Iterable[str]) -> tuple[list[Entity], list[tuple[int, str]]]:
    """Parse an analyst's JSONL file of entries; return ``(entities, [(line number, reason), ...])``.

    Bad lines are reported and skipped, never fatal; blank lines are ignored.
    """
    entities: list[Entity] = []
    errors: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entities.append(entity_parse(json.loads(line)))
        except (json.JSONDecodeError, RecursionError):
            errors.append((number, "not valid JSON"))
        except ValueError as error:
            errors.append((number, str(error)))
    return entities, errors
