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
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.vault.enums import FileType
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


def _matching_ids(tokens: list[str]) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT document_id FROM vault_search WHERE terms @@ to_tsquery('simple', %s)",
            [" & ".join(tokens)],
        )
    return RawSQL(
        "SELECT rowid FROM vault_search WHERE vault_search MATCH %s",
        [" AND ".join(f'"{token}"' for token in tokens)],
    )


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of results the actor may see, and how many they may see in all."""

    query: str
    total: int
    documents: list[Document]


def document_search_queryset(*, actor: Actor, query: str) -> QuerySet[Document]:
    """Return the newest ``MAX_RESULTS`` visible documents matching every word of ``query``.

    Empty for an empty query. The result is sliced: count it and page through it, do not filter it.
    """
    query_terms = terms(query)[:MAX_QUERY_TERMS]
    if not query_terms:
        return Document.objects.none()
    matching = Document.objects.filter(pk__in=_matching_ids([blind(term) for term in query_terms]))
    visible = access.visible(actor, "vault.view", matching)
    newest_first = visible.select_related("owning_unit").prefetch_related("compartments").order_by("-id")
    return newest_first[:MAX_RESULTS]  # newest first walks the primary key and stops early
