"""The intelligence part of ``chancery demo``: a corpus, a local RSS fixture, watchlists, alerts and briefs.

The feed, country pages, alerts and a brief are full on first start.

The corpus (``demo_data/corpus.jsonl``, built by ``demo_data/build_corpus.py``) holds 240 Vietnamese articles
from VNTC (MIT licence) and 147 English items rewritten from UCDP GED events (CC BY 4.0; two repeat
others word for word and are stored once). Its dates are shifted so
that it ends the day before the first seeding (the original date stays in ``extra.original_date``). The RSS
fixture ``demo_data/feed.xml`` is ingested from its file here, and registered as a polled source at the address
the demo's local feed server serves it on. Idempotent: once the corpus is stored, it does nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from chancery.intelligence import alerting, briefing, services
from chancery.intelligence.enums import SourceKind
from chancery.intelligence.models import Initiative, Item, Source, Watchlist
from chancery.platform.actor import Actor

DATA = Path(__file__).with_name("demo_data")
CORPUS_END = date(2020, 11, 30)


def feed_url() -> str:
    """The demo RSS fixture's address (``DEMO_FEED_PORT`` on the loopback interface)."""
    from django.conf import settings

    return f"http://127.0.0.1:{settings.DEMO_FEED_PORT}/feed.xml"


SOURCES = {
    "vntc": ("demo:vntc", "VNTC — Vietnamese news (demo corpus, MIT)"),
    "ucdp": ("demo:ucdp", "UCDP GED events (demo corpus, CC BY 4.0)"),
}
WATCHLISTS: list[tuple[str, str, list[str], list[str], list[str], list[str]]] = [
    ("analyst", "Horn of Africa", ["ETH", "SSD"], ["Tigray"], [], []),
    ("desk", "Northeast Asia", ["CHN", "JPN", "KOR"], ["Biển Đông"], [], ["ASEAN"]),
    ("tokyo", "Japan", ["JPN"], [], [], []),
]


INITIATIVES: list[dict[str, list[str] | str]] = [
    {
        "name_en": "Maritime cooperation and the East Sea",
        "name_vi": "Hợp tác biển và Biển Đông",
        "keywords": ["Biển Đông", "hàng hải", "cảng biển", "kinh tế biển", "ASEAN", "maritime", "East Sea"],
        "languages": ["vi", "en"],
    },
    {
        "name_en": "Trade and export promotion",
        "name_vi": "Xúc tiến thương mại và xuất khẩu",
        "keywords": ["thương mại", "xuất khẩu", "WTO", "FTA", "trade", "export"],
        "organisations": ["WTO"],
        "languages": ["vi", "en"],
    },
]


def initiatives_seed(*, actor: Actor) -> None:
    """Define the demo's initiative trackers (once, by English name). Emits what ``initiative_create`` emits."""
    from chancery.intelligence.initiatives import initiative_create

    for spec in INITIATIVES:
        if not Initiative.objects.filter(name_en=spec["name_en"]).exists():
            initiative_create(actor=actor, **spec)  # type: ignore[arg-type]


def _moment(original: str, external_id: str, offset: timedelta) -> datetime:
    hour = int(hashlib.sha256(external_id.encode()).hexdigest()[:4], 16) % 14 + 6
    return datetime.combine(date.fromisoformat(original), time(hour), tzinfo=UTC) + offset


def corpus_read(*, offset: timedelta) -> Iterator[object]:
    """Yield the demo corpus as connector items (``RawItem``), dates shifted by ``offset``."""
    from chancery_analytics.ingest.base import RawItem

    with (DATA / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            key = SOURCES[row["source"]][0]
            yield RawItem(
                source=key,
                kind="event" if row["source"] == "ucdp" else "article",
                external_id=row["id"],
                url=row["url"],
                title=row["title"],
                text=row["text"],
                published=_moment(row["original_date"], row["id"], offset),
                lang=row["lang"],
                extra={"original_date": row["original_date"], "demo": True},
            )


def _feed_items() -> Iterator[object]:
    try:
        from chancery_analytics.ingest.dispatch import connector_for

        connector = connector_for(str(DATA / "feed.xml"))
    except (ImportError, ValueError):
        return iter(())
    return connector.read()


def intelligence_demo_seed(*, today: date | None = None) -> None:
    """Seed the demo's intelligence: sources, watchlists, the corpus and feed fixture, spike alerts and briefs.

    Needs the demo users (``analyst``, ``desk``, ``tokyo``) and organisations. Emits what the services emit.
    """
    actor = Actor.system(purpose="demo-seed")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[w[0] for w in WATCHLISTS])}
    for username, name, countries, keywords, people, organisations in WATCHLISTS:
        user = users.get(username)
        if user is None or Watchlist.objects.filter(owner=user, name=name).exists():
            continue
        alerting.watchlist_create(
            actor=Actor.from_user(user),
            name=name,
            countries=countries,
            keywords=keywords,
            people=people,
            organisations=organisations,
        )
    initiatives_seed(actor=actor)
    for key, name in SOURCES.values():
        Source.objects.get_or_create(key=key, defaults={"name": name, "kind": SourceKind.UPLOAD, "enabled": False})
    if Item.objects.filter(source__key=SOURCES["ucdp"][0]).exists():
        return  # seeded already: nothing to add, nothing to audit
    end = (today or timezone.now().astimezone(UTC).date()) - timedelta(days=1)
    offset = timedelta(days=(end - CORPUS_END).days)
    services.items_ingest(actor=actor, items=corpus_read(offset=offset))  # type: ignore[arg-type]
    url = feed_url()
    if not Source.objects.filter(key=url).exists():
        services.source_create(
            actor=actor, name="Demo RSS feed (local fixture)", kind=SourceKind.RSS, url=url, poll_minutes=15
        )
    feed = Source.objects.get(key=url)
    services.items_ingest(actor=actor, items=_feed_items(), source=feed)  # type: ignore[arg-type]
    start = CORPUS_END + offset - timedelta(days=121)
    alerting.spikes_detect(actor=actor, days=[start + timedelta(days=n) for n in range(122)])
    briefing.briefs_generate_all(actor=actor, day=end)
