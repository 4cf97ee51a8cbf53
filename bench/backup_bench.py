"""Backup, verify and restore of an instance grown to 10,000 vault documents and 100,000 intelligence items.

    .venv/bin/python bench/backup_bench.py [--documents 10000] [--items 100000] [--sample 300]
                                           [--postgres postgresql://user:pw@host/any] [--keep DIR]

Everything happens in a temporary directory, with the real command line in subprocesses (as in
tests/resilience/test_backup_restore.py), each instance with its own ``CHANCERY_VAR_DIR`` and its own
database (a SQLite file, or with ``--postgres`` two private PostgreSQL databases created on that server,
``chancery_bench_src_<pid>`` and ``chancery_bench_dst_<pid>``, dropped at the end):

1. ``chancery demo --no-serve`` seeds the demo and its backup key pair;
2. the instance is grown (one ``chancery manage shell`` process, GROW below): ``--sample`` documents go
   through ``chancery.vault.services.document_upload`` (checks, text extraction, sealing, rows, audit,
   transparency log, search index), modelled on the demo's documents (same owner, unit, marking,
   compartments); the rest up to ``--documents`` are sealed one by one with ``chancery.vault.sealing.seal``
   (each its own data key, wrapped by the keyring, and its own blob) and their Document/DocumentVersion
   rows bulk-created as copies of the sampled ones, each version's leaf appended to the transparency log
   with ``tlog_append`` as the service does (no audit event or search entry for those).
   Every document is a plain-text file of 1-32 KiB of random words. Intelligence items are the demo's
   items cloned (with their enrichment and country mentions) by ``bulk_create`` until ``--items``;
3. ``chancery tlog publish``, then ``backup create``, ``backup verify`` and ``backup restore`` (into a
   second, empty var dir) are timed; each reports wall-clock seconds, the archive size, throughput
   (archive bytes / seconds) and the child's peak RSS (``os.wait4``'s rusage of that one process);
4. the restored instance is checked: same document and item counts, ``chancery tlog verify`` passes and
   a few documents download with the same SHA-256 (outside the timed region).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GROW = r"""
import hashlib, json, random, time
from django.conf import settings
from django.db import transaction
from chancery.intelligence.models import Enrichment, Item, Mention
from chancery.platform.actor import Actor
from chancery.vault import sealing, services
from chancery.transparency.services import tlog_append
from chancery.vault.models import Document, DocumentVersion
from chancery.vault.tlog_records import RECORD_TYPE, version_fields

DOCUMENTS, ITEMS, SAMPLE = {documents}, {items}, {sample}
rng = random.Random(2024)
WORDS = ("embassy cable treaty delegation minister consular visa trade agreement summit "
         "đại sứ quán công hàm hiệp định phái đoàn bộ trưởng lãnh sự thị thực thương mại hội nghị").split()

def body(n):
    size = rng.randint(1024, 32 * 1024)
    out, length = [f"Benchmark document {{n}}\n"], 0
    while length < size:
        line = " ".join(rng.choice(WORDS) for _ in range(12)) + "\n"
        out.append(line)
        length += len(line.encode())
    return "".join(out).encode()

started = time.perf_counter()
templates = list(Document.objects.select_related("created_by").prefetch_related("compartments").order_by("pk"))
uploaded = []
n = 0
while len(uploaded) < min(SAMPLE, DOCUMENTS) and templates:
    t = templates[n % len(templates)]
    fields = services.DocumentFields(
        title_en=f"{{t.title_en[:250]}} (bench {{n}})", title_vi=f"{{t.title_vi[:250]}} (bench {{n}})",
        classification=t.classification, tlp=t.tlp, description_en=t.description_en, description_vi=t.description_vi,
        compartments=frozenset(c.code for c in t.compartments.all()), tags=tuple(t.tags),
        countries=tuple(t.countries), language=t.language,
    )
    upload = services.upload_from_bytes(body(n), name=f"bench-{{n}}.txt", content_type="text/plain")
    try:
        with transaction.atomic():
            document = services.document_upload(actor=Actor.from_user(t.created_by), fields=fields, upload=upload,
                                                owning_unit_id=t.owning_unit_id)
    except Exception as error:  # a template its author may not re-upload: skip it
        print(f"skip template {{t.pk}}: {{type(error).__name__}}", flush=True)
        templates.remove(t)
        continue
    uploaded.append(document)
    n += 1
through_service = time.perf_counter() - started

started = time.perf_counter()
samples = list(Document.objects.filter(pk__in=[d.pk for d in uploaded]).prefetch_related("compartments", "versions"))
Through = Document.compartments.through
COPY = ("title_en", "title_vi", "description_en", "description_vi", "classification", "tlp", "owning_unit_id",
        "tags", "countries", "language", "retention_class_id", "dispose_after", "created_by_id")
remaining = DOCUMENTS - len(uploaded)
while remaining > 0:
    batch = min(500, remaining)
    docs, versions = [], []
    for i in range(batch):
        s = samples[(n + i) % len(samples)]
        docs.append(Document(**{{f: getattr(s, f) for f in COPY}}))
        sealed = sealing.seal(iter([body(n + i)]), max_size=settings.VAULT_MAX_UPLOAD_BYTES)
        versions.append((s, sealed, n + i))
    with transaction.atomic():
        Document.objects.bulk_create(docs)
        DocumentVersion.objects.bulk_create([
            DocumentVersion(document=d, number=1, key_id=sealed.key_id, kek_id=sealed.kek_id,
                            wrapped_key=sealed.wrapped_key, blob_key=sealed.blob_key, stored_size=sealed.stored_size,
                            size=sealed.size, sha256=sealed.sha256, mime_type="text/plain",
                            classification=d.classification, filename=f"bench-{{k}}.txt", created_by_id=d.created_by_id)
            for d, (s, sealed, k) in zip(docs, versions)
        ])
        Through.objects.bulk_create([
            Through(document_id=d.pk, compartment_id=c.pk)
            for d, (s, _, _) in zip(docs, versions) for c in s.compartments.all()
        ])
    for version in DocumentVersion.objects.filter(document__in=docs).order_by("pk"):  # as the service does
        tlog_append(record_type=RECORD_TYPE, record_id=version.pk, fields=version_fields(version))
    n += batch
    remaining -= batch
bulk_documents = time.perf_counter() - started

started = time.perf_counter()
base = list(Item.objects.select_related("enrichment").prefetch_related("mentions").order_by("pk"))
cloned, k = 0, 0
needed = ITEMS - Item.objects.count()
ITEM_FIELDS = ("source_id", "kind", "url", "title", "text", "author", "published_at", "fetched_at", "lang", "extra")
ENRICH_FIELDS = ("sentiment", "sentiment_score", "event_class", "event_intensity", "political", "topic",
                 "model_versions", "enriched_at")
while cloned < needed:
    batch = min(2000, needed - cloned)
    pairs = []
    for i in range(batch):
        b = base[(cloned + i) % len(base)]
        item = Item(**{{f: getattr(b, f) for f in ITEM_FIELDS}},
                    external_id=f"{{b.external_id[:470]}}#bench{{cloned + i}}",
                    content_hash=hashlib.sha256(f"{{b.content_hash}}:{{cloned + i}}".encode()).hexdigest())
        pairs.append((b, item))
    with transaction.atomic():
        Item.objects.bulk_create([item for _, item in pairs])
        Enrichment.objects.bulk_create([
            Enrichment(item=item, **{{f: getattr(b.enrichment, f) for f in ENRICH_FIELDS}})
            for b, item in pairs if hasattr(b, "enrichment")
        ])
        Mention.objects.bulk_create([
            Mention(item=item, country=m.country, about=m.about) for b, item in pairs for m in b.mentions.all()
        ])
    cloned += batch
bulk_items = time.perf_counter() - started
print(json.dumps({{
    "through_service": len(uploaded), "through_service_s": round(through_service, 1),
    "bulk_documents_s": round(bulk_documents, 1), "demo_items": len(base), "bulk_items_s": round(bulk_items, 1),
    "documents": Document.objects.count(), "versions": DocumentVersion.objects.count(),
    "items": Item.objects.count(), "enrichments": Enrichment.objects.count(), "mentions": Mention.objects.count(),
}}))
"""

CHECK = r"""
import hashlib, json
from django.utils import timezone
from chancery.intelligence.models import Item
from chancery.platform.actor import Actor
from chancery.vault import services
from chancery.vault.models import Document
actor = Actor.system(purpose="backup-bench")
ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
probe = ids[:3] + ids[len(ids) // 2 : len(ids) // 2 + 3] + ids[-3:]
digests = {}
for pk in probe:
    got = services.document_download(actor=actor, document_id=pk, mfa_verified_at=timezone.now())
    digests[str(pk)] = hashlib.sha256(b"".join(got.chunks)).hexdigest()
print(json.dumps({"documents": len(ids), "items": Item.objects.count(), "digests": digests}))
"""


class Instance:
    """One instance: a var dir, the shared key location and an optional PostgreSQL database."""

    def __init__(self, var: Path, database: str | None) -> None:
        self.var, self.database = var, database

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
        env.update(
            CHANCERY_VAR_DIR=str(self.var),
            CHANCERY_BACKUP_PUBLIC_KEY_FILE=str(self.var.parent / "keys" / "public.json"),
            DJANGO_SETTINGS_MODULE="chancery.config.settings",
        )
        if self.database:
            env["CHANCERY_DATABASE_URL"] = self.database
        return env

    def run(self, *args: str) -> tuple[str, str, float, int]:
        """Run ``chancery ARGS``; return stdout, stderr, wall seconds and the child's peak RSS in KiB."""
        self.var.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-m", "chancery", *args], env=self.env(), cwd=self.var.parent, stdout=out, stderr=err
            )
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if child.returncode != 0:
            raise SystemExit(f"chancery {' '.join(args)} failed ({child.returncode}):\n{stdout}\n{stderr}")
        return stdout, stderr, seconds, usage.ru_maxrss


def size_of(path: Path) -> int:
    """Total size in bytes of the files under ``path``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def make_databases(url: str) -> tuple[str, str]:
    """Create two private databases on the server of ``url``; return their URLs."""
    import psycopg

    base, _, _ = url.rpartition("/")
    names = [f"chancery_bench_src_{os.getpid()}", f"chancery_bench_dst_{os.getpid()}"]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{names[0]}", f"{base}/{names[1]}"


def drop_databases(*urls: str) -> None:
    """Drop the databases made by :func:`make_databases`."""
    import psycopg

    for url in urls:
        base, _, name = url.rpartition("/")
        assert name.startswith("chancery_bench_")  # never the suite's database ("test")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="documents uploaded through document_upload")
    parser.add_argument("--postgres", help="a PostgreSQL URL; two private databases are created on its server")
    parser.add_argument("--keep", help="work in this (new) directory and keep it")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="backup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    databases = make_databases(args.postgres) if args.postgres else (None, None)
    source, target = Instance(work / "source", databases[0]), Instance(work / "target", databases[1])
    try:
        print(
            f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.1f}, database {'postgresql' if args.postgres else 'sqlite'}",
            flush=True,
        )
        _, _, seconds, _ = source.run("demo", "--no-serve", "--witness-port", "0")
        print(f"demo seeded in {seconds:.1f} s", flush=True)
        grow = GROW.format(documents=args.documents, items=args.items, sample=args.sample)
        stdout, _, seconds, rss = source.run("manage", "shell", "-c", grow)
        grown = json.loads(stdout.strip().splitlines()[-1])
        print(f"grown in {seconds:.1f} s (peak RSS {rss / 1024:.0f} MiB): {json.dumps(grown)}", flush=True)
        source.run("tlog", "publish")
        db_bytes = sum(size_of(p) for p in source.var.glob("*.sqlite3*"))  # 0 on PostgreSQL
        blob_bytes = size_of(source.var / "vault")
        print(f"source: database file {db_bytes / 1e6:.1f} MB, vault dir {blob_bytes / 1e6:.1f} MB", flush=True)
        private = source.var / "backup-offline" / "backup-private.json"
        backups = work / "backups"
        results = []
        load = os.getloadavg()[0]
        _, _, seconds, rss = source.run("backup", "create", "--dir", str(backups))
        [archive] = list(backups.glob("*.chancery-backup"))
        size = archive.stat().st_size
        results.append(("backup create", seconds, rss))
        _, _, seconds, rss = source.run("backup", "verify", str(archive), "--key", str(private))
        results.append(("backup verify", seconds, rss))
        before = json.loads(source.run("manage", "shell", "-c", CHECK)[0].strip().splitlines()[-1])
        _, _, seconds, rss = target.run("backup", "restore", str(archive), "--key", str(private))
        results.append(("backup restore", seconds, rss))
        load_after = os.getloadavg()[0]
        after = json.loads(target.run("manage", "shell", "-c", CHECK)[0].strip().splitlines()[-1])
        log = target.run("tlog", "verify")
        assert after == before, (before, after)
        assert "verified" in log[0] + log[1]
        print(
            f"\narchive: {size:,} bytes ({size / 1e6:.1f} MB); load average {load:.1f} before, {load_after:.1f} after"
        )
        print("| step | seconds | MB/s (archive) | peak RSS (MiB) |")
        print("| --- | ---: | ---: | ---: |")
        for name, seconds, rss in results:
            print(f"| `{name}` | {seconds:.1f} | {size / 1e6 / seconds:.1f} | {rss / 1024:.0f} |")
        print(
            f"\nrestored instance: {after['documents']} documents, {after['items']} items, "
            f"{len(after['digests'])} sampled downloads identical, tlog verify passed"
        )
    finally:
        if args.postgres:
            drop_databases(*[d for d in databases if d])
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
