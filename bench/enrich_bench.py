"""Enrichment throughput: articles per second per core for the default pipeline on a mixed English/Vietnamese
news corpus, beside the time to merely read, normalise and tokenise the same texts in the same run; peak memory.

Usage (from the repository root): .venv/bin/python bench/enrich_bench.py [--data DIR] [--articles 2000] [--repeat 3]
On a shared machine pin it to one core (``taskset -c 1 …``); the run prints the load average beside its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import time
import tracemalloc

from chancery_analytics.jsonl import InputRecord
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.tokenise import word_tokens
from chancery_analytics.pipeline import Pipeline
from chancery_analytics.training.common import data_dir


def corpus(data, count: int) -> list[str]:
    lines = []
    for path in (data / "reuters21578" / "train.jsonl", data / "vntc" / "train_sample.jsonl"):
        with path.open(encoding="utf-8") as handle:
            lines.append([json.loads(line)["text"] for line in handle])
    rng = random.Random(2024)
    english = rng.sample(lines[0], count // 2)
    vietnamese = rng.sample(lines[1], count - count // 2)
    texts = english + vietnamese
    rng.shuffle(texts)
    return texts


def timed(function, texts, repeat):
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function(texts)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = corpus(data_dir(args.data), args.articles)
    characters = sum(len(t) for t in texts)
    pipeline = Pipeline()
    pipeline.annotate(InputRecord(id=0, text=texts[0]))  # load the models outside the timed region

    def read_only(batch):
        for text in batch:
            word_tokens(normalise_text(text))

    def enrich(batch):
        for index, text in enumerate(batch):
            pipeline.annotate(InputRecord(id=index, text=text))

    read_wall, read_cpu = timed(read_only, texts, args.repeat)
    enrich_wall, enrich_cpu = timed(enrich, texts, args.repeat)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    enrich(texts[:200])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(texts)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end of the run: {load}; CPU affinity: {sorted(os.sched_getaffinity(0))}")
    print(
        f"Python {platform.python_version()}, {n} articles ({n // 2} en Reuters, {n - n // 2} vi VNTC), "
        f"{characters / n:.0f} characters on average; best of {args.repeat}"
    )
    print("| pass | wall s | CPU s | articles/s (wall) | articles/s per core (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| read + normalise + tokenise | {read_wall:.2f} | {read_cpu:.2f} | {n / read_wall:,.0f} | "
        f"{n / read_cpu:,.0f} |"
    )
    print(
        f"| default enrichment pipeline | {enrich_wall:.2f} | {enrich_cpu:.2f} | {n / enrich_wall:,.0f} | "
        f"{n / enrich_cpu:,.0f} |"
    )
    print(
        f"peak RSS of the process: {peak_rss_mib:.0f} MiB; peak traced Python allocation while enriching 200 "
        f"articles: {traced_peak / 1024 / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
