"""Every table whose rows hold a data key wrapped under the keyring.

Key rotation rewraps the keys of every registered holder, and a key-encryption key is retired only when
no holder still uses it; a table left out would become unreadable after a rotation. Domains register
their tables in a ``key_holders`` module (discovered like ``permissions``), e.g.::

    register_key_holder(KeyHolder(name="cables.cable", model=Cable, wrap_context=cable_wrap_context))

The rows must have ``key_id``, ``kek_id`` and ``wrapped_key`` fields (``wrapped_key`` null once the key
was destroyed by crypto-shredding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

from chancery.vault.sealing import kek_rewrap

_holders: dict[str, KeyHolder] = {}


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """One table of wrapped data keys and the context its keys are wrapped with (from the key id)."""

    name: str
    model: type[models.Model]
    wrap_context: Callable[[str], bytes]


def register_key_holder(holder: KeyHolder) -> None:
    """Add ``holder`` to the registry (registering the same holder again is harmless)."""
    _holders[holder.name] = holder


def key_holders() -> list[KeyHolder]:
    """Return every registered holder, by name, after importing each installed app's ``key_holders``."""
    autodiscover_modules("key_holders")
    return [_holders[name] for name in sorted(_holders)]


def _live(holder: KeyHolder) -> models.QuerySet[Any]:
    return holder.model._default_manager.filter(wrapped_key__isnull=False)


def holder_rewrap_batch(holder: KeyHolder, *, kek_id: str, batch: int) -> int:
    """Rewrap up to ``batch`` of ``holder``'s live keys not yet under ``kek_id`` (the active key).

    One transaction with the rows locked; returns how many were rewrapped (fewer than ``batch``: done).
    Content is never touched: only the wrapped key and its KEK id change.
    """
    with transaction.atomic():
        rows = list(_live(holder).select_for_update().exclude(kek_id=kek_id).order_by("pk")[:batch])
        for row in rows:
            context = holder.wrap_context(row.key_id)
            row.kek_id, row.wrapped_key = kek_rewrap(row.kek_id, bytes(row.wrapped_key), context=context)
        holder.model._default_manager.bulk_update(rows, ["kek_id", "wrapped_key"])
    return len(rows)


def kek_ids_in_use() -> set[str]:
    """Return the ids of every key-encryption key that some live wrapped data key still needs."""
    used: set[str] = set()
    for holder in key_holders():
        used.update(_live(holder).values_list("kek_id", flat=True).distinct())
    return used


def _register_versions() -> None:
    from chancery.vault.models import DocumentVersion
    from chancery.vault.sealing import context_of

    register_key_holder(KeyHolder(name="vault.version", model=DocumentVersion, wrap_context=context_of))


_register_versions()
