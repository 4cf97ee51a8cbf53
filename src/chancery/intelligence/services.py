"""Writes on intelligence: sources, ingesting batches, re-enrichment and polling.

``items_ingest`` stores each item with its enrichment in its own transaction (an item is never half-stored and
one bad record never loses the others); every other service runs in one transaction. Every write is audited
with metadata only (counts, ids, source keys), and watchlist alerts for new items follow each batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.intelligence import storing
from chancery.intelligence.enums import SourceKind
from chancery.intelligence.models import Enrichment, Item, Source
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from chancery_analytics.ingest.base import RawItem
    from chancery_analytics.ingest.base import Rejected as RawRejected
    from chancery_analytics.pipeline import Annotation, Pipeline

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that was not stored: where it was and why (a reason fit to show an administrator)."""

    position: str
    reason: str


@dataclass(slots=True)
class IngestResult:
    """What a batch did: ids of the items stored, how many were already there, and what was skipped and why."""

    stored: list[int] = field(default_factory=list)
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    error: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        """Counts only (for audit events and API answers)."""
        return {"stored": len(self.stored), "duplicates": self.duplicates, "skipped": len(self.skipped)}


@cache
def default_pipeline() -> Pipeline:
    """Return the process's enrichment pipeline (models load once), with the ONNX sentiment switch of settings.

    Raises ``OnnxModelError`` (a ValueError naming what is wrong) when a plugged ONNX model cannot be used.
    """
    from chancery_analytics.nlp.onnx_model import onnx_sentiment_parse
    from chancery_analytics.pipeline import Pipeline

    plugged = onnx_sentiment_parse(
        directory=settings.INTEL_ONNX_SENTIMENT_DIR, langs=settings.INTEL_ONNX_SENTIMENT_LANGS
    )
    return Pipeline(onnx_sentiment=plugged)


def _annotate(pipeline: Pipeline, raw: RawItem) -> Annotation:
    from chancery_analytics.jsonl import InputRecord

    text = f"{raw.title}\n{raw.text}" if raw.title and not raw.text.startswith(raw.title) else raw.text
    lang = raw.lang.lower()[:2] if raw.lang and raw.lang.isalpha() else None
    return pipeline.annotate(InputRecord(id=raw.external_id, text=text, lang=lang))


def _batch_source(key: str, *, cache_: dict[str, Source]) -> Source:
    if key not in cache_:
        name = key if len(key) <= 200 else key[:197] + "…"
        cache_[key], _created = Source.objects.get_or_create(
            key=key[:300], defaults={"name": name, "kind": SourceKind.UPLOAD, "enabled": False}
        )
    return cache_[key]


def _problem(raw: RawItem) -> str | None:
    if not raw.external_id:
        return _("no external id")
    if not (raw.text or raw.title).strip():
        return _("no text")
    if len(raw.text) > storing.MAX_TEXT_CHARS:
        return _("text longer than %(n)d characters") % {"n": storing.MAX_TEXT_CHARS}
    if "\x00" in raw.text or "\x00" in raw.title:
        return _("text contains NUL characters")
    return None


def _ingest_one(
    raw: RawItem, *, source: Source, pipeline: Pipeline, result: IngestResult, position: str
) -> Item | None:
    from chancery_analytics.ingest.base import content_hash

    problem = _problem(raw)
    if problem:
        result.skipped.append(Skipped(position=position, reason=problem))
        return None
    digest = content_hash(raw)
    if (
        Item.objects.filter(content_hash=digest).exists()
        or Item.objects.filter(source=source, external_id=raw.external_id[:500]).exists()
    ):
        result.duplicates += 1
        return None
    try:
        annotation = _annotate(pipeline, raw)
    except (ValueError, TypeError, UnicodeError) as error:
        result.skipped.append(Skipped(position=position, reason=f"enrichment failed ({error.__class__.__name__})"))
        return None
    try:
        with transaction.atomic():
            item = storing.item_store(source=source, raw=raw, digest=digest, annotation=annotation)
    except IntegrityError:  # stored meanwhile by a concurrent poll: still a no-op
        result.duplicates += 1
        return None
    except DatabaseError as error:  # rolled back: nothing of this item is stored, the batch goes on
        result.skipped.append(Skipped(position=position, reason=f"storage failed ({error.__class__.__name__})"))
        return None
    result.stored.append(item.pk)
    return item


def items_ingest(
    *,
    actor: Actor,
    items: Iterable[RawItem | RawRejected],
    source: Source | None = None,
    pipeline: Pipeline | None = None,
    on_progress: Progress | None = None,
) -> IngestResult:
    """Enrich and store a batch of connector output; return what was stored, duplicated and skipped (and why).

    Needs ``intelligence.administer``. ``source`` is the polled source; without it each item's ``source`` key
    names (and creates, disabled) an upload source. Each item is stored with its mentions, enrichment and
    index entry in one transaction; rejected records and bad items are reported, the rest go on. Re-ingesting
    an item (same source and external id, or same content hash) is a no-op. Emits ``intelligence.ingested``
    (counts only) and, on commit, watchlist alerts for the new items.
    """
    from chancery_analytics.ingest.base import Rejected as RawRejected

    access.require(actor, "intelligence.administer")
    pipeline = pipeline or default_pipeline()
    result = IngestResult()
    sources: dict[str, Source] = {}
    for number, entry in enumerate(items, start=1):
        if isinstance(entry, RawRejected):
            result.skipped.append(Skipped(position=entry.position or str(number), reason=entry.reason))
        else:
            target = source or _batch_source(entry.source or "upload", cache_=sources)
            _ingest_one(entry, source=target, pipeline=pipeline, result=result, position=str(number))
        if on_progress is not None:
            on_progress(number)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="intelligence.ingested",
            object_type="intelligence.source",
            object_id=source.pk if source else "",
            detail=result.summary,
        )
    if result.stored:
        from chancery.intelligence.alerting import watch_alerts_raise

        watch_alerts_raise(actor=actor, item_ids=result.stored)
    return result


def items_enrich(
    *, actor: Actor, pipeline: Pipeline | None = None, on_progress: Progress | None = None, batch: int = 200
) -> int:
    """Re-enrich every stored item with the current models (after a model update); return how many.

    Needs ``intelligence.administer``. Each item's enrichment and mentions are replaced in one transaction;
    emits ``intelligence.enriched`` (the count).
    """
    from chancery_analytics.ingest.base import RawItem

    access.require(actor, "intelligence.administer")
    pipeline = pipeline or default_pipeline()
    done = 0
    last = 0
    while True:
        chunk = list(Item.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            break
        for item in chunk:
            raw = RawItem(
                source="",
                kind=item.kind,
                external_id=item.external_id,
                url=item.url or None,
                title=item.title,
                text=item.text,
                published=item.published_at,
            )
            annotation = _annotate(pipeline, raw)
            with transaction.atomic():
                storing.mentions_replace(item, annotation)
                Enrichment.objects.update_or_create(item=item, defaults=storing.enrichment_fields(annotation))
                Item.objects.filter(pk=item.pk).update(lang=annotation.lang[:8])
            done += 1
            if on_progress is not None:
                on_progress(done)
        last = chunk[-1].pk
    with transaction.atomic():
        audit_record(
            actor=actor, action="intelligence.enriched", object_type="intelligence.item", detail={"items": done}
        )
    return done


# --- Sources ------------------------------------------------------------------------------------------------


def _source_errors(*, name: str, kind: str, url: str, poll_minutes: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 200:
        errors["name"] = [_("Enter a name of at most 200 characters.")]
    if kind not in SourceKind.values:
        errors["kind"] = [_("Choose a kind of source.")]
    if not url.strip() or len(url) > 2000:
        errors["url"] = [_("Enter a URL or a path of at most 2,000 characters.")]
    elif not url.strip().lower().startswith(("http://", "https://")):  # never a path on the server
        errors["url"] = [_("Only http and https URLs can be polled.")]
    if not 5 <= poll_minutes <= 7 * 24 * 60:
        errors["poll_minutes"] = [_("Poll between every 5 minutes and once a week.")]
    return errors


def source_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    url: str,
    poll_minutes: int = 60,
    allow_full_text: bool = False,
    enabled: bool = True,
) -> Source:
    """Add a polled http(s) source (``intelligence.administer``).

    Raises InvalidInput naming each bad field; emits ``intelligence.source_created``.
    """
    access.require(actor, "intelligence.administer")
    errors = _source_errors(name=name, kind=kind, url=url, poll_minutes=poll_minutes)
    if errors:
        raise InvalidInput(_("The source is not valid."), errors=errors)
    with transaction.atomic():
        if Source.objects.filter(key=url.strip()).exists():
            raise InvalidInput(_("This source exists already."), errors={"url": [_("This source exists already.")]})
        source = Source.objects.create(
            key=url.strip(),
            name=name.strip(),
            kind=kind,
            url=url.strip(),
            poll_minutes=poll_minutes,
            allow_full_text=allow_full_text,
            enabled=enabled,
        )
        audit_record(
            actor=actor, action="intelligence.source_created", object_type="intelligence.source", object_id=source.pk
        )
    return source


def source_update(*, actor: Actor, source_id: int, enabled: bool, poll_minutes: int, allow_full_text: bool) -> Source:
    """Change a source's schedule and switches (``intelligence.administer``); emits ``intelligence.source_changed``."""
    access.require(actor, "intelligence.administer")
    if not 5 <= poll_minutes <= 7 * 24 * 60:
        raise InvalidInput(
            _("The source is not valid."), errors={"poll_minutes": [_("Poll between every 5 minutes and once a week.")]}
        )
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            raise NotFound
        source.enabled, source.poll_minutes, source.allow_full_text = enabled, poll_minutes, allow_full_text
        source.save(update_fields=["enabled", "poll_minutes", "allow_full_text"])
        audit_record(
            actor=actor,
            action="intelligence.source_changed",
            object_type="intelligence.source",
            object_id=source.pk,
            detail={"enabled": enabled, "poll_minutes": poll_minutes, "allow_full_text": allow_full_text},
        )
    return source


def fetcher_build() -> Any:
    """Return the analytics package's safe fetcher with the allowlist of ``CHANCERY_INTEL_FETCH_ALLOWLIST``.

    TLS trusts the system roots plus ``CHANCERY_CA_BUNDLE`` (internal feeds with internal certificates).
    """
    from chancery.platform.tls import client_ssl_context
    from chancery_analytics.ingest.fetch import Fetcher, FetchPolicy

    return Fetcher(FetchPolicy(allow=tuple(settings.INTEL_FETCH_ALLOWLIST)), verify=client_ssl_context())


ConnectorFactory = Callable[..., Any]


def _connector_factory() -> ConnectorFactory:
    from chancery_analytics.ingest.dispatch import connector_for

    return connector_for


def source_poll(
    *, actor: Actor, source_id: int, fetcher: Any = None, connector_factory: ConnectorFactory | None = None
) -> IngestResult:
    """Read a source through its connector (URLs only through the safe fetcher) and ingest what it yields.

    Needs ``intelligence.administer``. Sends the stored ETag / Last-Modified (a 304 yields nothing) and keeps
    the new ones; a failure to read is recorded on the source (``last_error``) and returned, never raised.
    Emits ``intelligence.polled`` plus what :func:`items_ingest` emits.
    """
    access.require(actor, "intelligence.administer")
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFound
    from chancery_analytics.ingest.feeds import FeedState

    factory = connector_factory or _connector_factory()
    state = FeedState.from_dict({"etag": source.etag, "last_modified": source.last_modified})
    error = ""
    try:
        connector = factory(
            source.url,
            fetcher=fetcher or fetcher_build(),
            state=state,
            full_text=source.allow_full_text,
            is_known=lambda external_id: Item.objects.filter(source=source, external_id=external_id).exists(),
        )
        result = items_ingest(actor=actor, items=connector.read(), source=source)
    except (ValueError, OSError) as failure:  # a source's failure is recorded, never fatal to the poller
        error = str(getattr(failure, "reason", "") or failure)[:500]
        result = IngestResult(error=error)
        new_state: Any = state
    else:
        new_state = getattr(connector, "state", state)
        # A feed that cannot be fetched at all is one rejection at the feed's own address.
        error = next((s.reason for s in result.skipped if s.position == source.url), "")[:500]
        result.error = error
    etag = _state_value(new_state, "etag")
    modified = _state_value(new_state, "last_modified")
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(
            last_polled_at=timezone.now(), last_error=error, etag=etag[:500], last_modified=modified[:100]
        )
        audit_record(
            actor=actor,
            action="intelligence.polled",
            object_type="intelligence.source",
            object_id=source.pk,
            detail={**result.summary, "failed": bool(error)},
        )
    return result


def _state_value(state: Any, name: str) -> str:
    value = getattr(state, name, None)
    return str(value) if value else ""


def sources_poll_due(*, actor: Actor) -> int:
    """Poll every enabled source whose interval has passed; return how many were polled (for the scheduler)."""
    access.require(actor, "intelligence.administer")
    now = timezone.now()
    polled = 0
    for source in Source.objects.filter(enabled=True).exclude(kind=SourceKind.UPLOAD).order_by("pk"):
        if source.last_polled_at is None or (now - source.last_polled_at).total_seconds() >= source.poll_minutes * 60:
            source_poll(actor=actor, source_id=source.pk)
            polled += 1
    return polled
