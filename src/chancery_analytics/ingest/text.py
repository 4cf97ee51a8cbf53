"""Shared helpers for connectors: decoding bytes, HTML to sanitised plain text, dates to aware UTC."""

from __future__ import annotations

import codecs
import contextlib
import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import charset_normalizer
import nh3

MAX_TEXT_CHARS = 1_000_000
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLOCK = re.compile(
    r"<(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|header|footer|pre|hr|table|dt|dd)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Legacy encodings a foreign ministry's sources plausibly use (Western Europe, Vietnamese, Cyrillic,
# Chinese, Japanese, Korean, Arabic, Thai), tried when a text is neither declared nor UTF-8.
DETECTABLE = (
    "cp1252", "cp1258", "cp1251", "koi8_r", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1256", "cp874",
)  # fmt: skip
# Tags kept by :func:`html_sanitise` (display HTML); scripts, styles, forms, frames and every attribute but
# a link's target are dropped.
SAFE_TAGS = frozenset(
    {"a", "p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "code", "pre"}
)


class UndecodableError(ValueError):
    """Bytes that are not text in the declared encoding nor in any encoding that can be detected."""


def _codec_name(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def bytes_decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode ``data`` to text: a BOM first, then the declared encoding, then strict UTF-8, then detection.

    Raises :class:`UndecodableError` when nothing decodes it convincingly (binary data, a wrong declaration
    with no plausible alternative). Needs nothing; emits nothing.
    """
    declared_codec = _codec_name(declared)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # UTF-16 LE text starting with NUL begins like a UTF-32 LE mark: a declaration settles it.
            if declared_codec in {"utf-16", "utf-32"} and declared_codec != codec:
                continue
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise UndecodableError(f"invalid {codec} after its byte-order mark") from None
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = None
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a wrong declaration: fall through to UTF-8 and detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UndecodableError("binary data (NUL bytes), not text")
    detected = encoding_detect(data)
    if detected is None:
        raise UndecodableError("not text in any detectable encoding")
    try:
        return data.decode(detected)
    except UnicodeDecodeError:
        raise UndecodableError(f"not valid {detected} text") from None


def encoding_detect(data: bytes) -> str | None:
    """The likeliest encoding of ``data`` among :data:`DETECTABLE` (charset-normalizer); None when none fits.

    Detection is a fallback: it is reliable on paragraphs, not on a few words, so sources in a legacy encoding
    should declare it. Needs nothing; emits nothing.
    """
    best = charset_normalizer.from_bytes(data, cp_isolation=list(DETECTABLE)).best()
    return best.encoding if best is not None else None


def clean_text(value: str) -> str:
    """NFC-normalise, drop control characters, collapse runs of spaces and blank lines; strip the ends."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = _SPACES.sub(" ", value)
    value = "\n".join(line.strip() for line in value.split("\n"))
    return _BLANK_LINES.sub("\n\n", value).strip()


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or document, sanitised by nh3 (scripts and styles dropped with content).

    Block elements become line breaks; entities are decoded; the result is :func:`clean_text`-ed. Never
    returns markup that a browser would execute, but callers must still escape it when rendering.
    """
    spaced = _BLOCK.sub(lambda match: "\n" + match.group(0), markup)
    stripped = nh3.clean(spaced, tags=set(), attributes={}, strip_comments=True)
    return clean_text(html.unescape(stripped))


def html_sanitise(markup: str) -> str:
    """A display-safe HTML fragment: only :data:`SAFE_TAGS`, links keep ``href`` (http/https/mailto) only."""
    return nh3.clean(
        markup,
        tags=set(SAFE_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def looks_like_html(value: str) -> bool:
    """True when ``value`` contains something that looks like a tag or an HTML entity."""
    return bool(re.search(r"<[a-zA-Z!/][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", value))


def plain(value: object) -> str:
    """Any field value as sanitised plain text ("" for None or non-strings); HTML is stripped via nh3."""
    if not isinstance(value, str):
        return ""
    return html_to_text(value) if looks_like_html(value) else clean_text(value)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as timezone-aware UTC; a naive value is taken to be UTC already."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def date_parse(value: object) -> datetime | None:
    """Parse a date from a source: ISO 8601, RFC 2822, ``YYYYMMDD[HHMMSS]`` or Unix seconds; None when unknown.

    The result is timezone-aware UTC; naive inputs are read as UTC. Years outside 1800..2200 count as unknown.
    """
    moment: datetime | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=float(value))
        except (OverflowError, ValueError):
            return None
    elif isinstance(value, str):
        moment = _date_from_text(value.strip())
    if moment is None or not 1800 <= moment.year <= 2200:
        return None
    return as_utc(moment)


def _date_from_text(text: str) -> datetime | None:  # noqa: PLR0911 (one return per form)
    if not text:
        return None
    if text.isdigit():
        formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
        if len(text) in formats:
            try:
                return datetime.strptime(text, formats[len(text)]).replace(tzinfo=UTC)
            except ValueError:
                return None
        if len(text) in {9, 10}:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(text))
        return None
    try:
        return datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    with contextlib.suppress(ValueError):
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
    with contextlib.suppress(ValueError):
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")  # Twitter API v1.1
    for pattern in ("%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def truncate(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` cut to at most ``limit`` characters (connectors reject rather than cut bodies; titles are cut)."""
    return value if len(value) <= limit else value[:limit]
