"""Rebuild ``corpus.jsonl`` and ``feed.xml`` from the development data (run once by a developer, never at run time).

Usage: ``python src/chancery/intelligence/demo_data/build_corpus.py /path/to/shared/data``.

- Vietnamese: 240 articles sampled from ``vntc/train_sample.jsonl`` (VNTC, MIT licence, Vu Cong Duy Hoang et al.),
  deterministic (``random.Random(7)``), text cut to 1,500 characters at a word boundary.
- English: every UCDP GED event (CC BY 4.0, Uppsala Conflict Data Program; Sundberg & Melander 2013) from
  ``ucdp-ged-events-text`` dated 2020-08-01..2020-11-30 that has a source headline, rewritten as a short factual
  item (headline, place, parties, fatality estimate). December 2020 events (first 15) become the RSS fixture.

The demo shifts every date so that the corpus ends the day before it is seeded (the original date is kept in
``original_date``); VNTC articles carry no date, so they are spread evenly over the same window.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
START, END = date(2020, 8, 1), date(2020, 11, 30)
VNTC_LABELS = {"world": 110, "politics_society": 50, "business": 40, "health": 20, "science": 20}


def _cut(text: str, limit: int = 1500) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _ucdp_item(row: dict[str, str]) -> dict[str, object]:
    headline = row["source_headline"].split(";")[0].strip()
    day = row["date_start"][:10]
    text = (
        f"{headline}. {row['where_description']}, {row['country']}. "
        f"Parties: {row['side_a']} – {row['side_b']}. Best fatality estimate: {row['best']}."  # noqa: RUF001
    )
    return {
        "id": f"ucdp-{row['id']}",
        "title": headline,
        "text": text,
        "lang": "en",
        "original_date": day,
        "url": f"https://ucdp.uu.se/event/{row['id']}",
        "source": "ucdp",
    }


def main(data: Path) -> None:
    """Write corpus.jsonl and feed.xml next to this script."""
    rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
    vntc = [json.loads(line) for line in (data / "vntc/train_sample.jsonl").open(encoding="utf-8")]
    chosen = []
    for label, count in VNTC_LABELS.items():
        pool = sorted((r for r in vntc if r["label"] == label), key=lambda r: r["id"])
        chosen.extend(rng.sample(pool, count))
    days = (END - START).days + 1
    items: list[dict[str, object]] = []
    for number, row in enumerate(chosen):
        title, _, body = row["text"].partition("\n")
        items.append(
            {
                "id": "vntc-" + row["id"].split("-", 2)[-1].replace(" ", "_"),
                "title": title.strip(),
                "text": _cut(body.strip() or title.strip()),
                "lang": "vi",
                "original_date": (START + timedelta(days=number * days // len(chosen))).isoformat(),
                "url": None,
                "source": "vntc",
            }
        )
    with (data / "ucdp-ged-events-text/ged_events_6_countries_1989_2020.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source_headline"].strip()]
    rows.sort(key=lambda r: (r["date_start"], r["id"]))
    items.extend(_ucdp_item(r) for r in rows if START.isoformat() <= r["date_start"][:10] <= END.isoformat())
    with (HERE / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    december = [r for r in rows if r["date_start"].startswith("2020-12")][:15]
    entries = []
    for row in december:
        item = _ucdp_item(row)
        when = datetime.fromisoformat(row["date_start"][:10]).replace(tzinfo=UTC)
        entries.append(
            f"<item><title>{escape(str(item['title']))}</title><link>{escape(str(item['url']))}</link>"
            f'<guid isPermaLink="false">{item["id"]}</guid><pubDate>{format_datetime(when)}</pubDate>'
            f"<description>{escape(str(item['text']))}</description></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Chancery demo feed (UCDP GED events, CC BY 4.0)</title><link>https://ucdp.uu.se/</link>"
        "<description>Demo fixture served locally by Chancery</description>\n"
        + "\n".join(entries)
        + "\n</channel></rss>\n"
    )
    (HERE / "feed.xml").write_text(feed, encoding="utf-8")
    print(f"{len(items)} corpus items, {len(entries)} feed entries")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
