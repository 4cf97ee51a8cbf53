"""Diacritic-insensitive full-text search over items: SQLite FTS5 or a GIN-indexed ``tsvector`` on PostgreSQL.

Items are open-source material, so unlike the vault's blind index the terms are stored as they are: the
item's title and text are folded (``"Biển Đông"`` → ``"bien dong"``, see :func:`chancery.vault.search.fold`),
split into words and stemmed with the same helpers the vault uses, so both searches behave alike. The index
table is created by migration ``0002`` (rowid = item id on SQLite, ``item_id`` on PostgreSQL). A query matches
items holding every one of its (at most ``MAX_QUERY_TERMS``) terms.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL

from chancery.vault.search import fold, terms

MAX_QUERY_TERMS = 12
MAX_INDEXED_CHARS = 200_000

__all__ = ["MAX_QUERY_TERMS", "fold", "item_index", "item_unindex", "matching_ids", "query_terms", "terms"]


def index_text(title: str, text: str) -> str:
    """Return what the index stores for an item: its distinct folded, stemmed words, space-separated."""
    return " ".join(terms(f"{title}\n{text[:MAX_INDEXED_CHARS]}"))


def query_terms(query: str) -> list[str]:
    """Return the folded, stemmed terms of a search query (at most ``MAX_QUERY_TERMS``)."""
    return terms(query)[:MAX_QUERY_TERMS]


def _id_column() -> str:
    return "item_id" if connection.vendor == "postgresql" else "rowid"


def item_index(*, item_id: int, title: str, text: str) -> None:
    """Replace the index entry of one item (call inside the transaction that stores the item)."""
    body = index_text(title, text)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM intelligence_search WHERE {_id_column()} = %s", [item_id])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO intelligence_search (item_id, terms) VALUES (%s, to_tsvector('simple', %s))",
                [item_id, body],
            )
        else:
            cursor.execute("INSERT INTO intelligence_search (rowid, body) VALUES (%s, %s)", [item_id, body])


def item_unindex(*, item_id: int) -> None:
    """Remove an item from the index."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM intelligence_search WHERE {_id_column()} = %s", [item_id])  # noqa: S608


def fts5_match(words: list[str]) -> str:
    """Return the FTS5 MATCH expression requiring every word (each quoted: no operator reaches FTS5)."""
    return " AND ".join('"' + word.replace('"', "") + '"' for word in words)


def matching_ids(words: list[str], *, vendor: str | None = None) -> RawSQL:
    """Return a subquery of the ids of items holding every word (``words`` from :func:`query_terms`)."""
    if (vendor or connection.vendor) == "postgresql":
        return RawSQL(
            "SELECT item_id FROM intelligence_search WHERE terms @@ plainto_tsquery('simple', %s)",
            [" ".join(words)],
        )
    return RawSQL("SELECT rowid FROM intelligence_search WHERE intelligence_search MATCH %s", [fts5_match(words)])
