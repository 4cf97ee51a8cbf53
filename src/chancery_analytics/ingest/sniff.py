"""Recognising an input: by URL, by GDELT file name, by extension, then by its first bytes."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chancery_analytics.ingest.article import PageConnector
from chancery_analytics.ingest.feeds import FeedConnector, FeedFileConnector
from chancery_analytics.ingest.gdelt import (
    EVENT_COLUMNS,
    EVENT_FILE,
    GKG_COLUMNS,
    GKG_FILE,
    GdeltEventsConnector,
    GdeltGkgConnector,
)
from chancery_analytics.ingest.indicators import (
    FredCsvConnector,
    ImfSdmxCsvConnector,
    WorldBankCsvConnector,
    WorldBankJsonConnector,
)
from chancery_analytics.ingest.records import InputError, Limits, input_open
from chancery_analytics.ingest.social import FacebookConnector, MastodonConnector, TelegramConnector, XConnector
from chancery_analytics.ingest.uploads import CsvUploadConnector, JsonlUploadConnector

if TYPE_CHECKING:
    from chancery_analytics.ingest.base import Connector
    from chancery_analytics.ingest.fetch import Fetcher

FORMATS: dict[str, Callable[..., Any]] = {
    "rss": FeedFileConnector,
    "gdelt-events": GdeltEventsConnector,
    "gdelt-gkg": GdeltGkgConnector,
    "x": XConnector,
    "mastodon": MastodonConnector,
    "facebook": FacebookConnector,
    "telegram": TelegramConnector,
    "worldbank-json": WorldBankJsonConnector,
    "worldbank-csv": WorldBankCsvConnector,
    "imf-sdmx-csv": ImfSdmxCsvConnector,
    "fred-csv": FredCsvConnector,
    "csv": CsvUploadConnector,
    "jsonl": JsonlUploadConnector,
}
URL_FORMATS: dict[str, Callable[..., Any]] = {"rss": FeedConnector, "page": PageConnector}
HEAD_BYTES = 64 * 1024
_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)


def _head(path: Path) -> str:
    try:
        with input_open(path, limits=Limits()) as stream:
            return stream.read(HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
    except InputError:
        return ""


def _has(text: str, *keys: str) -> bool:
    return all(f'"{key}"' in text for key in keys)


def _json_format(head: str) -> str:
    if _has(head, "messages") and ('"type": "' in head or '"type":"' in head) and _has(head, "name"):
        return "telegram"
    if _has(head, "countryiso3code") or (_has(head, "indicator", "date", "value") and _has(head, "page")):
        return "worldbank-json"
    if _has(head, "edit_history_tweet_ids") or _has(head, "author_id", "text") or _has(head, "data", "includes"):
        return "x"
    if _has(head, "account", "content", "uri"):
        return "mastodon"
    if _has(head, "created_time") or _has(head, "permalink_url") or _has(head, "timestamp", "post"):
        return "facebook"
    raise ValueError("JSON document of no known kind (pass format=)")


def _jsonl_format(head: str) -> str:
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        record = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return "jsonl"  # the upload reader reports the bad line
    if isinstance(record, dict):
        keys = set(record)
        if "edit_history_tweet_ids" in keys or {"author_id", "text"} <= keys or {"data", "includes"} <= keys:
            return "x"
        if {"account", "content", "uri"} <= keys:
            return "mastodon"
    return "jsonl"


def _csv_format(head: str) -> str:  # noqa: PLR0911 (one return per format)
    lines = [line for line in head.splitlines()[:12] if line.strip()]
    if not lines:
        return "csv"
    first = lines[0]
    cells = first.split("\t")
    if len(cells) == len(EVENT_COLUMNS) and cells[0].strip().isdigit():
        return "gdelt-events"
    if len(cells) == len(GKG_COLUMNS) and re.fullmatch(r"\d{14}-T?\d+", cells[0].strip()):
        return "gdelt-gkg"
    header = first.strip().strip('"').lower()
    if header.startswith(("observation_date,", "date,")) and "country" not in first.lower():
        return "fred-csv"
    if "TIME_PERIOD" in first.upper() and "OBS_VALUE" in first.upper():
        return "imf-sdmx-csv"
    if first.startswith(('"Data Source"', "Data Source")) or any(
        line.startswith(('"Country Name","Country Code"', "Country Name,Country Code")) for line in lines
    ):
        return "worldbank-csv"
    return "csv"


def format_detect(path: Path) -> str:  # noqa: PLR0911 (one return per format)
    """The format name (a key of :data:`FORMATS`) for a local file; raises ``ValueError`` when unknown."""
    name = path.name.lower()
    if EVENT_FILE.match(path.name):
        return "gdelt-events"
    if GKG_FILE.match(path.name):
        return "gdelt-gkg"
    inner = re.sub(r"\.(zip|gz)$", "", name)
    suffix = Path(inner).suffix
    if suffix in {".rss", ".atom"}:
        return "rss"
    head = _head(path)
    if suffix == ".xml":
        if _FEED_ROOT.search(head):
            return "rss"
        raise ValueError("XML file that is not an RSS/Atom feed")
    if suffix == ".json":
        return _json_format(head)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl_format(head)
    if suffix in {".csv", ".tsv", ".txt"}:
        return _csv_format(head)
    raise ValueError(f"no connector for {path.name!r} (pass format=)")


def _build(factory: Callable[..., Any], spec: Any, options: dict[str, Any], format_name: str) -> Connector:
    accepted = set(inspect.signature(factory).parameters)
    unknown = set(options) - accepted
    if unknown:
        raise ValueError(f"format {format_name!r} takes no option(s) {', '.join(sorted(unknown))}")
    connector: Connector = factory(spec, **options)
    return connector


def connector_resolve(spec: str, *, fetcher: Fetcher | None = None, **options: Any) -> Connector:
    """See :func:`chancery_analytics.ingest.connector_for`. Raises ``ValueError`` for what it cannot read."""
    forced = options.pop("format", None)
    if forced is not None and not isinstance(forced, str):
        raise ValueError("format must be a format name")
    if re.match(r"^https?://", spec, re.IGNORECASE):
        name = forced or "rss"
        if name not in URL_FORMATS:
            raise ValueError(f"URLs are read as {' or '.join(URL_FORMATS)}, not {name!r}")
        return _build(URL_FORMATS[name], spec, {**options, "fetcher": fetcher}, name)
    if "://" in spec:
        raise ValueError("only http(s) URLs and local files can be read")
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"no such file: {spec}")
    name = forced or format_detect(path)
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; one of {', '.join(FORMATS)}")
    return _build(FORMATS[name], path, options, name)
