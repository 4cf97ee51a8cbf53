"""Plain CSV and JSON Lines uploads, read through a column mapping (which column holds text, title, date...).

The mapping names the source column (CSV header or JSON key; ``a.b`` reaches into nested JSON objects) of each
field; only ``text`` is required. Rows without text, with text past the cap, or that cannot be decoded are
rejected with their line number; the rest are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from chancery_analytics.ingest.base import KINDS, RawItem, Rejected
from chancery_analytics.ingest.records import (
    DEFAULT_MAX_INPUT_BYTES,
    Input,
    Limits,
    csv_rows,
    item_check,
    json_lines,
)
from chancery_analytics.ingest.text import date_parse, plain


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column holds each field. ``text`` is required; the others are optional (None = not present).

    Without an ``id`` column an item's id is the URL, else a hash of its title and text (stable on re-upload).
    """

    text: str = "text"
    title: str | None = "title"
    date: str | None = "date"
    url: str | None = "url"
    lang: str | None = "lang"
    id: str | None = "id"
    author: str | None = "author"
    kind: str = "article"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Build from a mapping of field name to column; raises ``ValueError`` naming an unknown or bad field."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown mapping field(s): {', '.join(sorted(unknown))}")
        values = {key: (str(value) if value is not None else None) for key, value in data.items()}
        if not values.get("text", "text"):
            raise ValueError("mapping field 'text' must name a column")
        mapping = cls(**values)  # type: ignore[arg-type]
        if mapping.kind not in KINDS:
            raise ValueError(f"mapping field 'kind' must be one of {', '.join(KINDS)}")
        return mapping


def _lookup(record: Mapping[str, Any], column: str | None) -> Any:
    if not column:
        return None
    if column in record:
        return record[column]
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float | str):
        return str(value).strip()
    return ""


def _lang(value: Any) -> str | None:
    text = _scalar(value)
    code = text.replace("_", "-").split("-", 1)[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def mapped_item(record: Mapping[str, Any], mapping: ColumnMapping, *, source: str, where: str) -> RawItem | Rejected:
    """One record (a CSV row as a dict, or a JSON object) read through ``mapping``. Needs nothing; emits nothing."""
    raw_text = _lookup(record, mapping.text)
    text = plain(raw_text) if isinstance(raw_text, str) else ""
    if not text:
        return Rejected(source, where, f"no text in column {mapping.text!r}")
    title = plain(_scalar(_lookup(record, mapping.title)))
    url = _scalar(_lookup(record, mapping.url))
    url = url if url.lower().startswith(("http://", "https://")) else ""
    external = _scalar(_lookup(record, mapping.id)) or url
    if not external:
        external = "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    item = RawItem(
        source=source,
        kind=mapping.kind,
        external_id=external,
        url=url or None,
        title=title,
        text=text,
        published=date_parse(_lookup(record, mapping.date)),
        lang=_lang(_lookup(record, mapping.lang)),
        author=plain(_scalar(_lookup(record, mapping.author))) or None,
    )
    return item_check(item, position=where)


def _default_key(prefix: str, data: Input) -> str:
    return f"{prefix}:upload" if isinstance(data, bytes) else f"{prefix}:{Path(data).name}"


class CsvUploadConnector:
    """A CSV upload read through a :class:`ColumnMapping` (header row required); key ``csv:<file name>``."""

    def __init__(
        self,
        data: Input,
        *,
        mapping: ColumnMapping | Mapping[str, Any] | None = None,
        source: str | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.data = data
        self.mapping = mapping if isinstance(mapping, ColumnMapping) else ColumnMapping.from_dict(mapping or {})
        self.key = source or _default_key("csv", data)
        self.encoding = encoding
        self.delimiter = delimiter
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield an item per good row, a :class:`Rejected` per bad row (wrong column count, no text...)."""
        header: list[str] | None = None
        rows = csv_rows(
            self.data, source=self.key, limits=self.limits, encoding=self.encoding, delimiter=self.delimiter
        )
        for entry in rows:
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, cells = entry
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in cells]
                if self.mapping.text not in header:
                    yield Rejected(self.key, "line 1", f"no column {self.mapping.text!r} for the text")
                    return
                continue
            where = f"line {number}"
            if len(cells) != len(header):
                yield Rejected(self.key, where, f"expected {len(header)} columns, found {len(cells)}")
                continue
            yield mapped_item(dict(zip(header, cells, strict=True)), self.mapping, source=self.key, where=where)


class JsonlUploadConnector:
    """A JSON Lines upload read through a :class:`ColumnMapping`; key ``jsonl:<file name>``."""

    def __init__(
        self,
        data: Input,
        *,
        mapping: ColumnMapping | Mapping[str, Any] | None = None,
        source: str | None = None,
        encoding: str | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.data = data
        self.mapping = mapping if isinstance(mapping, ColumnMapping) else ColumnMapping.from_dict(mapping or {})
        self.key = source or _default_key("jsonl", data)
        self.encoding = encoding
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield an item per good line, a :class:`Rejected` per bad line (not JSON, not an object, no text...)."""
        for entry in json_lines(self.data, source=self.key, limits=self.limits, encoding=self.encoding):
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, value = entry
            where = f"line {number}"
            if not isinstance(value, Mapping):
                yield Rejected(self.key, where, "not a JSON object")
                continue
            yield mapped_item(value, self.mapping, source=self.key, where=where)
