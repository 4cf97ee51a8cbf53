"""How each domain's records become leaves, and how ``tlog verify`` re-derives them.

A domain registers, in its ``tlog_records.py``, a :class:`RecordType`: a function that loads the current
fields of some of its records from the database (references and content hashes only, never classified
text) and a function that lists every record id that should be in the log. The leaf is the RFC 8785
canonical JSON of ``{"type": ..., "id": ..., **fields}``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.apps import apps

FieldsLoader = Callable[[list[str]], Mapping[str, Mapping[str, Any]]]
IdLister = Callable[[], Iterable[str]]


@dataclass(frozen=True, slots=True)
class RecordType:
    """A kind of record that is logged: its name, its field loader and its id lister."""

    name: str
    load_fields: FieldsLoader
    list_ids: IdLister


_registry: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Register ``record_type`` (idempotent for the same object); return it."""
    existing = _registry.get(record_type.name)
    if existing is not None and existing is not record_type:
        msg = f"record type {record_type.name!r} is already registered"
        raise ValueError(msg)
    _registry[record_type.name] = record_type
    return record_type


def registered() -> dict[str, RecordType]:
    """Return the registered record types by name."""
    return dict(_registry)


def canonical_leaf(*, record_type: str, record_id: str, fields: Mapping[str, Any]) -> bytes:
    """Return the RFC 8785 canonical JSON bytes of a record's leaf."""
    body: dict[str, Any] = {**fields, "type": record_type, "id": record_id}
    return bytes(rfc8785.dumps(body))


def autodiscover() -> None:
    """Import ``tlog_records`` from every installed ``chancery.*`` app so its record types register."""
    for config in apps.get_app_configs():
        if not config.name.startswith("chancery."):
            continue
        module_name = f"{config.name}.tlog_records"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name)
