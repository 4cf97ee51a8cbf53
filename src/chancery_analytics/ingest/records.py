"""Reading inputs safely: files (plain, .zip, .gz) or bytes, as capped lines, CSV rows or one JSON document.

Bad pieces come back as :class:`~chancery_analytics.ingest.base.Rejected` with their line number and reason; an
input past its size cap stops with one final rejection. Encodings: a byte-order mark, the declared encoding,
UTF-8, or one detected on the first 64 KiB (charset-normalizer); a line that does not decode is rejected alone.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import hashlib
import io
import json
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, cast

from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.text import MAX_TEXT_CHARS, UndecodableError, bytes_decode, encoding_detect

Input = str | Path | bytes
DEFAULT_MAX_INPUT_BYTES = 1024 * 1024 * 1024  # a whole file (after decompression)
DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024  # one line / one record
MAX_ID_CHARS = 500
MAX_TITLE_CHARS = 1000
MAX_AUTHOR_CHARS = 300
SNIFF_BYTES = 64 * 1024
_WIDE = ("utf-16", "utf-32")


class InputError(Exception):
    """An input that cannot be read at all (missing, too large, not JSON...); ``reason`` is for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


CSV_FIELD_MAX_CHARS = 131_072
"""The longest CSV field accepted, whatever ``csv.field_size_limit`` another module set for the process."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Size caps: the whole input (decompressed) and one record (a line, a CSV row, a feed entry's text)."""

    max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES


def input_name(data: Input) -> str:
    """A short name for the input: the file path, or ``"upload"`` for bytes."""
    return "upload" if isinstance(data, bytes) else str(data)


@contextlib.contextmanager
def input_open(data: Input, *, limits: Limits) -> Iterator[IO[bytes]]:
    """Open ``data`` for binary reading, unpacking a one-member .zip or a .gz transparently.

    Raises :class:`InputError` when the file is missing, the zip has no file, or the declared size is past the cap.
    """
    if isinstance(data, bytes):
        yield io.BytesIO(data)
        return
    path = Path(data)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [
                    info
                    for info in archive.infolist()
                    if not info.is_dir() and not info.filename.startswith("__MACOSX")
                ]
                if not members:
                    raise InputError("zip archive holds no file")
                if members[0].file_size > limits.max_bytes:
                    raise InputError(f"zip member larger than {limits.max_bytes} bytes")
                with archive.open(members[0]) as member:
                    yield member
            return
        with path.open("rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                handle.seek(0)
                with gzip.GzipFile(fileobj=handle) as unpacked:
                    yield cast("IO[bytes]", unpacked)
                return
            handle.seek(0)
            yield handle
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise InputError(f"cannot read input ({error.__class__.__name__})") from None


def _mostly_utf8(head: bytes) -> bool:
    """True for valid UTF-8, or UTF-8 with a few corrupt bytes (those lines are rejected, not the whole file)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return True
    text = head.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    multibyte = sum(1 for char in text if ord(char) > 0x7F) - invalid
    return multibyte >= 2 * invalid


def _encoding_guess(head: bytes, declared: str | None) -> str:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return codec
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError:
            pass
    if _mostly_utf8(head):
        return "utf-8"
    if b"\x00" in head:
        return "utf-8"  # binary: every line will be rejected as undecodable
    return encoding_detect(head) or "utf-8"


class _Prefixed:
    """A binary stream whose first bytes were already read (to sniff the encoding) and are served again."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readline(self, limit: int) -> bytes:
        if not self._head:
            return self._stream.readline(limit)
        cut = self._head.find(b"\n", 0, limit)
        if cut >= 0:
            line, self._head = self._head[: cut + 1], self._head[cut + 1 :]
            return line
        if len(self._head) >= limit:
            line, self._head = self._head[:limit], self._head[limit:]
            return line
        line, self._head = self._head, b""
        return line + self._stream.readline(limit - len(line))

    def read(self, size: int) -> bytes:
        part, self._head = self._head[:size], self._head[size:]
        return part + self._stream.read(size - len(part)) if len(part) < size else part


def _binary_lines(stream: _Prefixed, *, limit: int) -> Iterator[bytes | None]:
    """Physical lines (with their newline); None for a line longer than ``limit`` (consumed, not kept)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(64 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def text_lines(
    data: Input, *, source: str, limits: Limits, encoding: str | None = None
) -> Iterator[tuple[int, str] | Rejected]:
    """Yield ``(line_number, text)`` per line (newline stripped) or a :class:`Rejected` for a bad line.

    A line that does not decode in the input's encoding, or is longer than the record cap, is rejected; past
    the input cap reading stops with a final rejection. An unreadable input is one rejection at ``"input"``.
    Every physical line yields exactly one entry, so entry ``n`` is line ``n``.
    """
    try:
        with input_open(data, limits=limits) as raw_stream:
            head = raw_stream.read(SNIFF_BYTES)
            stream = _Prefixed(head, raw_stream)
            codec = _encoding_guess(head, encoding)
            if codec.startswith(_WIDE):
                yield from _wide_lines(stream, codec=codec, source=source, limits=limits)
                return
            total = 0
            for number, raw in enumerate(_binary_lines(stream, limit=limits.max_record_bytes), start=1):
                if raw is None:
                    total += limits.max_record_bytes
                    yield Rejected(source, f"line {number}", f"line longer than {limits.max_record_bytes} bytes")
                    continue
                total += len(raw)
                if total > limits.max_bytes:
                    yield Rejected(source, f"line {number}", f"input larger than {limits.max_bytes} bytes: stopped")
                    return
                try:
                    text = raw.decode(codec)
                except UnicodeDecodeError:
                    yield Rejected(source, f"line {number}", f"not valid {codec} text")
                    continue
                if number == 1 and codec == "utf-8-sig":
                    codec = "utf-8"
                yield number, text.rstrip("\r\n")
    except InputError as error:
        yield Rejected(source, "input", error.reason)


def _wide_lines(stream: _Prefixed, *, codec: str, source: str, limits: Limits) -> Iterator[tuple[int, str] | Rejected]:
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        yield Rejected(source, "input", f"input larger than {limits.max_bytes} bytes")
        return
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        yield Rejected(source, "input", f"not valid {codec} text")
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > limits.max_record_bytes:
            yield Rejected(source, f"line {number}", f"line longer than {limits.max_record_bytes} characters")
        else:
            yield number, line


def csv_rows(
    data: Input,
    *,
    source: str,
    limits: Limits,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[tuple[int, list[str]] | Rejected]:
    """Yield ``(line_number, cells)`` per CSV record (blank rows skipped) or a :class:`Rejected` for a bad one.

    The delimiter is sniffed among ``, ; TAB |`` when not given. A line that does not decode, a malformed
    record (e.g. a field past the csv module's limit) is rejected and reading goes on.
    """
    pending: deque[Rejected] = deque()

    def feed() -> Iterator[str]:
        for entry in text_lines(data, source=source, limits=limits, encoding=encoding):
            if isinstance(entry, Rejected):
                pending.append(entry)
                yield "\n"  # keeps the reader's line count equal to the physical line number
            else:
                yield entry[1] + "\n"  # the csv module needs line ends to keep newlines inside quoted cells

    stream = feed()
    first: list[str] = []
    for line in stream:
        first.append(line)
        if len(first) >= 5:
            break
    reader = csv.reader(_chain(first, stream), delimiter=delimiter or _delimiter_sniff(first))
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield from _drain(pending)
            yield Rejected(source, f"line {reader.line_num}", f"malformed CSV ({error})")
            consumed = reader.line_num
            continue
        yield from _drain(pending)
        start, consumed = consumed + 1, reader.line_num
        if any(len(cell) > CSV_FIELD_MAX_CHARS for cell in cells):  # the csv module's limit is process-wide
            yield Rejected(
                source, f"line {start}", f"malformed CSV (a field longer than {CSV_FIELD_MAX_CHARS:,} characters)"
            )
            continue
        if cells and any(cell.strip() for cell in cells):
            yield start, cells
    yield from _drain(pending)


def _drain(pending: deque[Rejected]) -> Iterator[Rejected]:
    while pending:
        yield pending.popleft()


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _delimiter_sniff(lines: list[str]) -> str:
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:  # rows of unequal width: the header line decides
        header = lines[0] if lines else ""
        return max(",;\t|", key=header.count) if any(c in header for c in ",;\t|") else ","


def json_document(data: Input, *, limits: Limits, encoding: str | None = None) -> Any:
    """Load one JSON document (capped at ``limits.max_bytes``); raises :class:`InputError` with the reason."""
    with input_open(data, limits=limits) as stream:
        raw = stream.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise InputError(f"document larger than {limits.max_bytes} bytes")
    try:
        text = bytes_decode(raw, declared=encoding)
    except UndecodableError as error:
        raise InputError(str(error)) from None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(f"not valid JSON ({error.__class__.__name__})") from None


def json_lines(
    data: Input, *, source: str, limits: Limits, encoding: str | None = None
) -> Iterator[tuple[int, Any] | Rejected]:
    """Yield ``(line_number, value)`` per JSON line (blank lines skipped) or a :class:`Rejected` per bad line."""
    for entry in text_lines(data, source=source, limits=limits, encoding=encoding):
        if isinstance(entry, Rejected):
            yield entry
            continue
        number, line = entry
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            yield Rejected(source, f"line {number}", f"not valid JSON ({error.__class__.__name__})")


def item_check(item: RawItem, *, position: str) -> RawItem | Rejected:
    """Return ``item`` fitted to the storage limits, or a rejection if it has no text or too much of it.

    Rejected: no title and no text, text past :data:`MAX_TEXT_CHARS`, no id. Fitted: an id longer than
    :data:`MAX_ID_CHARS` becomes ``sha256:<hex>`` of itself (stable, no collisions by truncation); a title past
    :data:`MAX_TITLE_CHARS` and an author past :data:`MAX_AUTHOR_CHARS` are cut with an ellipsis.
    """
    if not item.title and not item.text:
        return Rejected(item.source, position, "no title and no text")
    if len(item.text) > MAX_TEXT_CHARS:
        return Rejected(item.source, position, f"text longer than {MAX_TEXT_CHARS} characters")
    if not item.external_id:
        return Rejected(item.source, position, "no identifier")
    changes: dict[str, str] = {}
    if len(item.external_id) > MAX_ID_CHARS:
        changes["external_id"] = "sha256:" + hashlib.sha256(item.external_id.encode()).hexdigest()
    if len(item.title) > MAX_TITLE_CHARS:
        changes["title"] = item.title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    if item.author and len(item.author) > MAX_AUTHOR_CHARS:
        changes["author"] = item.author[: MAX_AUTHOR_CHARS - 1].rstrip() + "…"
    return replace(item, **changes) if changes else item  # type: ignore[arg-type]
