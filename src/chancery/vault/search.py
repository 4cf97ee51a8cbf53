"""Full-text search over the vault without storing any document text: a blind (keyed-hash) index.

Text is extracted from the upload (PDF with pypdf, DOCX with python-docx, plain text, Markdown, and HTML
sanitised to text with nh3), folded (Unicode NFD, combining marks dropped, ``đ`` → ``d``, lower case: so
"hiep dinh" finds "hiệp định"), split into words, stemmed with the Snowball English stemmer ("agreements"
finds "agreement"), and each distinct term is replaced by a keyed hash (HMAC-SHA-256 under a key derived
from ``SECRET_KEY``, truncated to 80 bits). Only those hashes reach the index, so neither the database nor
``var/`` ever holds a document's words; a query is folded, stemmed and hashed the same way.

The index is an FTS5 table on SQLite and a table with a stored, GIN-indexed ``tsvector`` on PostgreSQL (created
by migration ``0002``). Results are narrowed by the policy engine inside the same SQL query before anything
is counted or shown. Changing ``SECRET_KEY`` makes the index stale: run ``chancery vault reindex``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import IO

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.vault.enums import IMAGE_TYPES, FileType
from chancery.vault.models import Document

MAX_TEXT_CHARS = 2_000_000
MAX_QUERY_TERMS = 12
MAX_RESULTS = 1000
"""A search returns at most this many (the newest) matches: counting every match of a very common word
among 100,000 documents would cost more than the answer is worth; refine the query instead."""
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Return ``text`` lower-cased without diacritics (``"Hiệp định Đà Nẵng"`` → ``"hiep dinh da nang"``)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn").lower()


@cache
def _stemmer() -> object:
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer("english")


def terms(text: str) -> list[str]:
    """Return the distinct folded, stemmed words of ``text`` in first-seen order."""
    words = _WORD.findall(fold(text))
    stems: list[str] = _stemmer().stemWords(words)  # type: ignore[attr-defined]
    return list(dict.fromkeys(stem for stem in stems if stem))


@cache
def _index_key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"chancery-vault-search-index-v1", hashlib.sha256).digest()


def blind(term: str) -> str:
    """Return the index token of one term: 80 bits of HMAC-SHA-256, base32 (16 ASCII letters/digits)."""
    mac = hmac.new(_index_key(settings.SECRET_KEY), term.encode("utf-8"), hashlib.sha256).digest()[:10]
    return base64.b32encode(mac).decode("ascii").lower()


# --- Extraction ---------------------------------------------------------------------------------------


def _read_text(file: IO[bytes]) -> str:
    return file.read(MAX_TEXT_CHARS * 4).decode("utf-8", errors="ignore")[:MAX_TEXT_CHARS]


def _pdf_text(file: IO[bytes]) -> str:
    from pypdf import PdfReader

    parts: list[str] = []
    total = 0
    for page in PdfReader(file, strict=False).pages:
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
        if total >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def _docx_text(file: IO[bytes]) -> str:
    import docx

    document = docx.Document(file)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def _html_text(file: IO[bytes]) -> str:
    import nh3

    return html.unescape(nh3.clean(_read_text(file), tags=set(), clean_content_tags={"script", "style"}))


def extract_text(*, file: IO[bytes], file_type: str) -> str:
    """Return up to ``MAX_TEXT_CHARS`` of text from a checked upload ("" if nothing can be extracted).

    Leaves ``file`` rewound. Extraction failures are not errors: the document is stored, just not
    findable by its content.
    """
    file.seek(0)
    try:
        if file_type == FileType.PDF:
            return _pdf_text(file)
        if file_type == FileType.DOCX:
            return _docx_text(file)
        if file_type == FileType.HTML:
            return _html_text(file)
        if file_type in IMAGE_TYPES:
            return ""
        return _read_text(file)
    except Exception:  # noqa: BLE001 - a parser's failure on odd input must not lose the upload
        return ""
    finally:
        file.seek(0)


# --- Index --------------------------------------------------------------------------------------------


def _metadata_text(document: Document) -> str:
    return " ".join(
        [
            document.title_en,
            document.title_vi,
            document.description_en,
            document.description_vi,
            " ".join(document.tags),
        ]
    )


def _id_column() -> str:
    return "document_id" if connection.vendor == "postgresql" else "rowid"


def index_insert_sql() -> str:
    """Return the statement that stores one document's tokens (``%s`` for the id, then the tokens)."""
    if connection.vendor == "postgresql":
        return "INSERT INTO vault_search (document_id, terms) VALUES (%s, strip(to_tsvector('simple', %s)))"
    return "INSERT INTO vault_search (rowid, body) VALUES (%s, %s)"


def document_index(*, document: Document, text: str) -> None:
    """Replace the index entry of ``document`` with the blind tokens of its metadata and ``text``."""
    tokens = " ".join(blind(term) for term in terms(_metadata_text(document) + "\n" + text))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM vault_search WHERE {_id_column()} = %s", [document.pk])  # noqa: S608
        cursor.execute(index_insert_sql(), [document.pk, tokens])


def document_unindex(*, document_id: int) -> None:
    """Remove a document from the index (disposal)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM vault_search WHERE {_id_column()} = %s", [document_id])  # noqa: S608


SELECTIVE_MAX_FRACTION = 0.10
"""PostgreSQL: how a search runs depends on how many documents the planner expects it to match (from its
statistics on the tokens, without scanning). At most this fraction of the indexed documents: GIN first
(the matching ids are collected from the index, then checked against the policy). More: walk the reader's
visible documents newest first and probe each one's index row until ``MAX_RESULTS`` match. Either way one
SQL query. The crossover was measured at 100,000 documents (docs/benchmarks.md)."""


def _tsquery(tokens: list[str]) -> str:
    return " & ".join(tokens)


def _is_selective(tokens: list[str]) -> bool:
    """PostgreSQL: True when the planner estimates few matches (its statistics on the tokens; no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM vault_search WHERE terms @@ to_tsquery('simple', %s)",
            [_tsquery(tokens)],
        )
        estimate = float(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])
        cursor.execute("SELECT GREATEST(reltuples, 1) FROM pg_class WHERE oid = 'vault_search'::regclass")
        indexed = float(cursor.fetchone()[0])
    return estimate <= SELECTIVE_MAX_FRACTION * indexed


def _matching_ids(tokens: list[str], *, fenced: bool = False) -> RawSQL:
    """Return the sub-query of documents holding every token.

    ``fenced`` (PostgreSQL) adds ``OFFSET 0``, which keeps the planner from merging the sub-query into
    the outer one: the ids then come from the GIN index first, which is what a selective query wants.
    """
    if connection.vendor == "postgresql":
        sql = "SELECT document_id FROM vault_search WHERE terms @@ to_tsquery('simple', %s)"
        return RawSQL(sql + " OFFSET 0" if fenced else sql, [_tsquery(tokens)])  # noqa: S611 - constant SQL
    return RawSQL(
        "SELECT rowid FROM vault_search WHERE vault_search MATCH %s",
        [" AND ".join(f'"{token}"' for token in tokens)],
    )


_PROBE = (
    'EXISTS (SELECT 1 FROM vault_search s WHERE s.document_id = "vault_document"."id" '
    "AND s.terms @@ to_tsquery('simple', %s) OFFSET 0)"
)


def _matching(tokens: list[str]) -> QuerySet[Document]:
    """Return the documents holding every token, in the query shape that suits the backend and the query.

    SQLite, and PostgreSQL for selective queries: ``id IN (ids from the index)``. PostgreSQL for common
    words: a per-document probe (``EXISTS … OFFSET 0`` is never turned into a join), which the planner
    evaluates after the cheaper policy conditions, so only documents the reader may see are probed, newest
    first, and the walk stops at ``MAX_RESULTS``.
    """
    if connection.vendor == "postgresql" and not _is_selective(tokens):
        probe = RawSQL(_PROBE, [_tsquery(tokens)], output_field=BooleanField())  # noqa: S611 - constant SQL
        return Document.objects.filter(probe)
    return Document.objects.filter(pk__in=_matching_ids(tokens, fenced=connection.vendor == "postgresql"))


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of results the actor may see, and how many they may see in all."""

    query: str
    total: int
    documents: list[Document]


def document_search_queryset(*, actor: Actor, query: str) -> QuerySet[Document]:
    """Return the newest ``MAX_RESULTS`` visible documents matching every word of ``query``, newest first.

    Empty for an empty query. Runs the search (index lookup and policy filter in one SQL query) at once
    and returns a queryset over the ids it found, so that counting and paging it afterwards is cheap.
    """
    query_terms = terms(query)[:MAX_QUERY_TERMS]
    if not query_terms:
        return Document.objects.none()
    visible = access.visible(actor, "vault.view", _matching([blind(term) for term in query_terms]))
    # Newest first walks the primary key and stops at MAX_RESULTS; only ids travel back.
    found = list(visible.order_by("-id").values_list("pk", flat=True)[:MAX_RESULTS])
    return (
        Document.objects.filter(pk__in=found)
        .select_related("owning_unit")
        .prefetch_related("compartments")
        .order_by("-id")
    )
