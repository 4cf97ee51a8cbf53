"""Benchmark of the vault's encryption at rest against unencrypted storage and raw AES-GCM.

Usage::

    .venv/bin/python bench/vault_bench.py [--size-mib N] [--rounds R] [--roundtrip-mib M] [--dir DIR]

Measures in one run, through the same :class:`chancery.vault.blobs.LocalBlobStore` (temporary file,
fsync, atomic rename) in ``DIR`` (a fresh temporary directory by default):

* **store plain**: N MiB streamed in 1 MiB pieces into the blob store, unencrypted (the baseline);
* **encrypt + store**: the same bytes sealed with the vault's chunked AES-256-GCM format and stored;
* **raw AES-GCM**: ``cryptography``'s AESGCM over the same 1 MiB chunks in memory, nothing stored;

best of R rounds each, and the ratio encrypt-and-store / store-plain (aim: at least 0.70).

Then, in a child process so that its peak resident set size is its own, an M MiB (1024 by default)
**round trip**: generate → seal → store → read → authenticate → decrypt, streaming, with the SHA-256 of
what went in compared to what came out; reports the child's peak RSS (``ru_maxrss``; aim: under 150 MB).
With ``--service`` the round trip goes through ``document_upload`` and ``document_download`` instead
(sniffing, hashing, text extraction, rows, audit and transparency-log leaf included), in a fresh database.

``--search-docs N`` (instead of the above) builds a throw-away database (SQLite under DIR, or PostgreSQL
when ``--postgres URL`` names a server: a database ``vault_bench_<pid>`` is created there and dropped) with
N documents of 200 words each (Zipf-distributed over 6,000 words) over 10 units, and reports the p50/p95
latency of 200 policy-filtered searches (count, capped at ``MAX_RESULTS``, and the first page of 50) for a
desk officer who may read one unit's documents, beside the same searches without the policy filter (the
bare index lookup) measured in the same run. Aim: p95 under 100 ms at 100,000 documents.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chancery.vault import crypto
from chancery.vault.blobs import LocalBlobStore

MIB = 1024 * 1024


def source(total_mib: int) -> Iterator[bytes]:
    """Yield ``total_mib`` pieces of 1 MiB (one random buffer, repeated: AES does not care)."""
    piece = os.urandom(MIB)
    for _ in range(total_mib):
        yield piece


def best_of(rounds: int, run: Callable[[], None]) -> float:
    """Return the shortest wall-clock time of ``rounds`` runs of ``run``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def throughput(size_mib: int, rounds: int, directory: Path) -> dict[str, float]:
    """Return MiB/s for plain storage, encrypt-and-store and raw AES-GCM over ``size_mib`` MiB."""
    store = LocalBlobStore(directory / "blobs")
    key = crypto.generate_data_key()

    def store_plain() -> None:
        store.delete(store.write(source(size_mib)).key)

    def encrypt_and_store() -> None:
        sealed = crypto.encrypt_chunks(source(size_mib), key=key, context=b"bench", chunk_size=MIB)
        store.delete(store.write(sealed).key)

    def raw_aes_gcm() -> None:
        aead = AESGCM(key)
        for index, piece in enumerate(source(size_mib)):
            aead.encrypt(index.to_bytes(12, "big"), piece, b"")

    runs = {"store plain": store_plain, "encrypt + store": encrypt_and_store, "raw AES-GCM (memory only)": raw_aes_gcm}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):  # interleaved, so that drift in the disk's speed affects all three alike
        for name, run in runs.items():
            best[name] = min(best[name], best_of(1, run))
    return {name: size_mib / seconds for name, seconds in best.items()}


def roundtrip_child(size_mib: int, directory: Path) -> None:
    """Seal, store, read back and decrypt ``size_mib`` MiB; print digests, seconds and peak RSS."""
    store = LocalBlobStore(directory / "blobs")
    key = crypto.generate_data_key()
    digest_in = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for piece in source(size_mib):
            digest_in.update(piece)
            yield piece

    started = time.perf_counter()
    blob = store.write(crypto.encrypt_chunks(hashed(), key=key, context=b"rt", chunk_size=MIB))
    digest_out = hashlib.sha256()
    with store.open(blob.key) as handle:
        crypto.verify_stream(handle, key=key, context=b"rt")
    with store.open(blob.key) as handle:
        for chunk in crypto.decrypt_stream(handle, key=key, context=b"rt"):
            digest_out.update(chunk)
    elapsed = time.perf_counter() - started
    store.delete(blob.key)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{digest_in.hexdigest()} {digest_out.hexdigest()} {elapsed:.2f} {peak_kib}")


def _django(directory: Path, *, database_url: str = "") -> None:
    """Configure Django on a throw-away var/ (and database) and migrate it."""
    os.environ["CHANCERY_VAR_DIR"] = str(directory / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "chancery.config.settings"
    if database_url:
        os.environ["CHANCERY_DATABASE_URL"] = database_url
    else:
        os.environ.pop("CHANCERY_DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def _people(*, reuse: bool = False) -> tuple[Any, list[Any]]:
    """Create ten units and a desk officer in the first (or find them); return (officer, units)."""
    from chancery.identity.models import User
    from chancery.missions.models import Organisation

    if reuse:
        found = list(Organisation.objects.filter(code__startswith="unit-").order_by("pk"))
        return User.objects.get(username="bench-desk"), found

    units = [
        Organisation.objects.create(code=f"unit-{i}", name_en=f"Unit {i}", name_vi=f"Đơn vị {i}", kind="department")
        for i in range(10)
    ]
    officer = User.objects.create(username="bench-desk", role="desk_officer", clearance=10, organisation=units[0])
    for unit in units:  # the documents' authors: the officer reads its own unit's documents, not all
        User.objects.create(username=f"author-{unit.code}", role="desk_officer", clearance=20, organisation=unit)
    return officer, units


def service_roundtrip(size_mib: int, directory: Path) -> None:
    """Upload and download ``size_mib`` MiB of text through the services; print digests, time, peak RSS."""
    _django(directory)
    from django.conf import settings
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from chancery.platform.actor import Actor
    from chancery.vault import services
    from chancery.vault.http import upload_of

    settings.VAULT_MAX_UPLOAD_BYTES = (size_mib + 1) * MIB
    officer, _ = _people()
    actor = Actor.from_user(officer)
    line = ("Hiệp định thương mại tự do giữa Việt Nam và các đối tác. " * 20 + "\n").encode()
    piece = (line * (MIB // len(line) + 1))[:MIB]
    digest_in = hashlib.sha256()
    upload = TemporaryUploadedFile("big.txt", "text/plain", size_mib * MIB, "utf-8")  # on disk, as Django spools it
    for _ in range(size_mib):
        upload.write(piece)
        digest_in.update(piece)
    upload.flush()
    started = time.perf_counter()
    fields = services.DocumentFields(title_en="Large", title_vi="Lớn", classification=10)
    document = services.document_upload(actor=actor, fields=fields, upload=upload_of(upload))
    digest_out = hashlib.sha256()
    for chunk in services.document_download(actor=actor, document_id=document.pk).chunks:
        digest_out.update(chunk)
    elapsed = time.perf_counter() - started
    upload.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{digest_in.hexdigest()} {digest_out.hexdigest()} {elapsed:.2f} {peak_kib}")


def _vocabulary(size: int = 6000) -> list[str]:
    rng = random.Random(7)
    syllables = ["hiep", "dinh", "thuong", "mai", "bien", "dong", "hop", "tac", "kinh", "te", "ngoai", "giao"]
    words = [a + b for a in syllables for b in syllables]
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(words) < size:
        words.append("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))))
    return words


def search_benchmark(documents: int, directory: Path, *, postgres: str, keep: str = "") -> None:
    """Build an index of ``documents`` documents and time policy-filtered searches against bare lookups.

    With ``keep`` (PostgreSQL only) the corpus goes into that database, which is kept and reused by the
    next run with the same name (for EXPLAIN ANALYZE between runs); otherwise a throw-away database.
    """
    database_url = ""
    admin_url = postgres
    name = keep or f"vault_bench_{os.getpid()}"
    if postgres:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f"CREATE DATABASE {name}")
        database_url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        _run_search_benchmark(documents, directory, database_url=database_url)
    finally:
        if postgres and not keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name}")


def _run_search_benchmark(documents: int, directory: Path, *, database_url: str) -> None:
    _django(directory, database_url=database_url)
    from django.db import connection, transaction
    from django.db.models import QuerySet

    from chancery.identity.models import User
    from chancery.platform.actor import Actor
    from chancery.vault import search
    from chancery.vault.models import Document

    reuse = Document.objects.count() == documents
    officer, units = _people(reuse=reuse)
    actor = Actor.from_user(officer)
    authors = [User.objects.get(username=f"author-{unit.code}") for unit in units]
    vocabulary = _vocabulary()
    tokens = {word: search.blind(stem) for word in vocabulary for stem in search.terms(word)[:1]}
    rng = random.Random(11)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like word frequencies
    started = time.perf_counter()
    batch = 5000
    with transaction.atomic():
        if reuse:
            print(f"reusing the {documents} documents already in the database")
            documents = 0
        for start in range(0, documents, batch):
            rows = [
                Document(
                    title_en=f"Document {i}",
                    title_vi=f"Tài liệu {i}",
                    classification=rng.choice([0, 10, 10, 20]),
                    owning_unit=units[i % len(units)],
                    created_by=authors[i % len(units)],
                )
                for i in range(start, min(documents, start + batch))
            ]
            created = Document.objects.bulk_create(rows)
            if connection.vendor != "postgresql" or created[0].pk is None:
                first = Document.objects.order_by("-pk").values_list("pk", flat=True)[len(rows) - 1]
                ids = list(range(first, first + len(rows)))
            else:
                ids = [row.pk for row in created]
            bodies = [
                (pk, " ".join(tokens[w] for w in set(rng.choices(vocabulary, weights=weights, k=200)) if w in tokens))
                for pk in ids
            ]
            with connection.cursor() as cursor:
                cursor.executemany(search.index_insert_sql(), bodies)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: indexed {documents} documents in {time.perf_counter() - started:.1f} s")
    queries = [" ".join(rng.sample(vocabulary[:400], rng.choice([1, 1, 2]))) for _ in range(200)]

    def timed(make: Callable[[str], QuerySet[Document]]) -> list[float]:
        times = []
        for query in queries:
            began = time.perf_counter()
            queryset = make(query)
            queryset.count()
            list(queryset[:50])
            times.append((time.perf_counter() - began) * 1000)
        return sorted(times)

    def bare(query: str) -> QuerySet[Document]:
        ids = search._matching_ids([search.blind(t) for t in search.terms(query)])
        return Document.objects.filter(pk__in=ids).order_by("-id")[: search.MAX_RESULTS]

    filtered = timed(lambda q: search.document_search_queryset(actor=actor, query=q))
    unfiltered = timed(bare)
    for label, values in (("policy-filtered search", filtered), ("bare index lookup", unfiltered)):
        p50, p95 = values[len(values) // 2], values[int(len(values) * 0.95) - 1]
        print(f"  {label:24s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=256, help="bytes per throughput run (MiB)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--roundtrip-mib", type=int, default=1024, help="size of the memory round trip (0: skip)")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the blob store (default: a temp dir)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--service", action="store_true", help="round trip through the vault's services")
    parser.add_argument("--search-docs", type=int, default=0, help="run the search benchmark with N documents")
    parser.add_argument("--postgres", default="", help="postgres://… server for the search benchmark")
    parser.add_argument("--keep-db", default="", help="PostgreSQL: build into (or reuse) this database and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="vault-bench-") as raw:
        directory = Path(raw)
        if args.search_docs:
            search_benchmark(args.search_docs, directory, postgres=args.postgres, keep=args.keep_db)
            return 0
        if args.child:
            if args.service:
                service_roundtrip(args.roundtrip_mib, directory)
            else:
                roundtrip_child(args.roundtrip_mib, directory)
            return 0
        print(f"Python {platform.python_version()} on {platform.machine()}; {os.cpu_count()} CPUs; dir {directory}")
        figures = throughput(args.size_mib, args.rounds, directory)
        baseline = figures["store plain"]
        print(f"\nThroughput, {args.size_mib} MiB, best of {args.rounds}:")
        for name, value in figures.items():
            print(f"  {name:28s} {value:9.1f} MiB/s   ratio to store plain {value / baseline:5.2f}")
        if args.roundtrip_mib:
            command = [sys.executable, __file__, "--child", "--roundtrip-mib", str(args.roundtrip_mib)]
            command += ["--service"] if args.service else []
            if args.dir:
                command += ["--dir", str(args.dir)]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
            same = out[0] == out[1]
            how = "document_upload + document_download" if args.service else "seal, store, verify, decrypt"
            print(
                f"\nRound trip of {args.roundtrip_mib} MiB ({how}): {float(out[2]):.1f} s, "
                f"peak RSS {int(out[3]) / 1024:.1f} MiB, plaintext SHA-256 {'matches' if same else 'DIFFERS'}",
            )
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
