"""Connector throughput: records per second for reading (parsing, decoding, sanitising) each input kind.

Inputs are built in memory from the development corpora (Reuters English, VNTC Vietnamese): an RSS feed whose
descriptions are HTML, a CSV upload, a JSONL upload, and GDELT 2.0 event lines. No network.

Usage (from the repository root): .venv/bin/python bench/ingest_bench.py [--data DIR] [--records 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path

from chancery_analytics.ingest.base import RawItem
from chancery_analytics.ingest.feeds import feed_items
from chancery_analytics.ingest.gdelt import GdeltEventsConnector
from chancery_analytics.ingest.uploads import CsvUploadConnector, JsonlUploadConnector
from chancery_analytics.training.common import data_dir

EVENT = (
    "{id}\t20250101\t202501\t2025\t2025.0027\tVNMGOV\tVIETNAM\tVNM\t\t\t\t\tGOV\t\t\tCHN\tCHINA\tCHN\t\t\t\t\t\t\t\t"
    "1\t042\t042\t04\t1\t1.9\t10\t2\t10\t-1.23456\t1\tVietnam\tVM\tVM\t\t16.1667\t107.833\tVM\t1\tChina\tCH\tCH\t\t35\t"
    "105\tCH\t4\tHanoi, Ha Noi, Vietnam\tVM\tVM44\t\t21.0333\t105.85\t-3715035\t20250101121500\thttps://example.org/{id}"
)


def texts(data: Path, count: int) -> list[str]:
    pools = []
    for path in (data / "reuters21578" / "train.jsonl", data / "vntc" / "train_sample.jsonl"):
        with path.open(encoding="utf-8") as handle:
            pools.append([json.loads(line)["text"] for line in handle])
    rng = random.Random(2024)
    mixed = rng.sample(pools[0], count // 2) + rng.sample(pools[1], count - count // 2)
    rng.shuffle(mixed)
    return mixed


def inputs(corpus: list[str]) -> dict[str, Callable[[], list[object]]]:
    entries = "".join(
        f"<item><title>Story {i}</title><guid>g{i}</guid><link>https://example.org/{i}</link>"
        f"<description>{html.escape('<p>' + text.replace(chr(10), '</p><p>') + '</p><script>x()</script>')}"
        f"</description><pubDate>Tue, 03 Jun 2025 08:30:00 +0700</pubDate></item>"
        for i, text in enumerate(corpus)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>b</title>'
    feed = f"{head}{entries}</channel></rss>"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "title", "text"])
    writer.writerows([str(i), f"Story {i}", text] for i, text in enumerate(corpus))
    csv_bytes = buffer.getvalue().encode()
    jsonl = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(corpus)).encode()
    events = "".join(EVENT.format(id=10_000 + i) + "\n" for i in range(len(corpus) * 10)).encode()
    feed_bytes = feed.encode()
    return {
        "RSS entries (HTML descriptions)": lambda: list(feed_items(feed_bytes, source="b", max_entries=10**6)),
        "CSV upload rows": lambda: list(CsvUploadConnector(csv_bytes).read()),
        "JSONL upload lines": lambda: list(JsonlUploadConnector(jsonl).read()),
        "GDELT 2.0 event lines": lambda: list(GdeltEventsConnector(events).read()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = texts(args.data or data_dir(), args.records)
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.records} texts, best of {args.repeat}")
    for name, run in inputs(corpus).items():
        best = float("inf")
        count = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            results = run()
            best = min(best, time.perf_counter() - start)
            count = sum(isinstance(r, RawItem) for r in results)
        print(f"{name:34s} {count:7d} items  {count / best:10.0f} items/s")


if __name__ == "__main__":
    main()
