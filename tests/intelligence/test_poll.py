"""Polling a source over HTTP from a local RSS server (the demo's), through the safe fetcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.intelligence.demo_feed_server import FeedHandler
from chancery.intelligence.models import Item, Source
from chancery.intelligence.services import source_create, source_poll, sources_poll_due
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, PermissionDenied
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="test")


class CountingHandler(FeedHandler):
    requests: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802
        CountingHandler.requests.append(dict(self.headers))
        super().do_GET()


@pytest.fixture
def feed_url() -> Iterator[str]:
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()
    server.server_close()


def _source(feed_url: str) -> Source:
    return source_create(actor=SYSTEM, name="Local feed", kind="rss", url=feed_url, poll_minutes=15)


def test_loopback_is_refused_unless_allowlisted(feed_url: str, settings: Any) -> None:
    settings.INTEL_FETCH_ALLOWLIST = []
    source = _source(feed_url)
    result = source_poll(actor=SYSTEM, source_id=source.pk)
    assert "not public" in result.error
    assert CountingHandler.requests == []  # refused before connecting
    source.refresh_from_db()
    assert "not public" in source.last_error
    assert source.last_polled_at is not None
    assert not Item.objects.exists()


def test_allowlisted_feed_is_stored_then_conditionally_refetched(feed_url: str, settings: Any) -> None:
    settings.INTEL_FETCH_ALLOWLIST = ["127.0.0.1"]
    source = _source(feed_url)
    first = source_poll(actor=SYSTEM, source_id=source.pk)
    assert first.error == ""
    assert len(first.stored) == 15
    source.refresh_from_db()
    assert source.etag.startswith('"')
    assert source.last_error == ""
    assert Item.objects.filter(source=source).count() == 15
    second = source_poll(actor=SYSTEM, source_id=source.pk)
    assert CountingHandler.requests[-1]["If-None-Match"] == source.etag
    assert (second.stored, second.duplicates, second.skipped) == ([], 0, [])  # 304: nothing to read
    assert AuditEvent.objects.filter(action="intelligence.polled").count() == 2


def test_only_due_sources_are_polled(feed_url: str, settings: Any) -> None:
    settings.INTEL_FETCH_ALLOWLIST = ["127.0.0.1"]
    due = _source(feed_url)
    fresh = source_create(actor=SYSTEM, name="Fresh", kind="rss", url=feed_url + "?fresh", poll_minutes=60)
    Source.objects.filter(pk=fresh.pk).update(last_polled_at=timezone.now() - timedelta(minutes=5))
    Source.objects.create(key="upload:x", name="Upload", kind="upload", url="", enabled=True)
    assert sources_poll_due(actor=SYSTEM) == 1
    due.refresh_from_db()
    assert due.last_polled_at is not None


def test_sources_are_validated_and_administered(analyst: User, desk_officer: User) -> None:
    with pytest.raises(InvalidInput) as caught:
        source_create(actor=actor_of(analyst), name="", kind="nope", url="/etc/passwd", poll_minutes=1)
    assert set(caught.value.errors) == {"name", "kind", "url", "poll_minutes"}
    with pytest.raises(PermissionDenied):
        source_create(actor=actor_of(desk_officer), name="F", kind="rss", url="https://news.example/rss")
