"""Audit shipping throughput: the outbox's cost per audit event, and draining it to local TLS collectors.

Usage (from the repository root)::

    .venv/bin/python bench/audit_shipping_bench.py [--events 5000] [--dir DIR]

Measures in one run, in a throw-away SQLite database (WAL, as deployed) under DIR:

* **record**: ``audit_record`` calls per second (one transaction each) without shipping configured and with
  it (the outbox row written in the same transaction), so the difference is the outbox's cost;
* **ship**: events per second drained by ``audit_ship_due`` (the periodic job's path, batches of 200) to a
  local syslog-over-TLS collector (RFC 5425 framing, one TLS connection per batch) and to a local HTTPS
  JSON collector, both with a certificate from a throw-away CA (``tests/security/tls_fakes.py``).

The collectors run in this process, so the figures are Chancery's side (formatting, TLS, database) on this
machine, not a SIEM's ingestion rate.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Run the measurements and print one line per figure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="audit-ship-bench-", dir=args.dir))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chancery.config.settings",
            "CHANCERY_VAR_DIR": str(work),
            "CHANCERY_KEYRING_FILE": str(work / "keyring.json"),
            "CHANCERY_TLOG_KEY_DIR": str(work / "tlog"),
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from chancery.audit.models import AuditShipment
    from chancery.audit.services import audit_record
    from chancery.audit.shipping import audit_ship_due
    from chancery.platform.actor import Actor
    from tests.security.tls_fakes import https_collector, make_pki, syslog_tls_collector

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    system = Actor.system(purpose="bench")
    detail = {"version": 1, "size": 12345, "sha256": "0" * 64, "type": "application/pdf"}

    def record(count: int) -> float:
        start = time.perf_counter()
        for index in range(count):
            with transaction.atomic():
                audit_record(actor=system, action="vault.document_uploaded", object_id=index, detail=detail)
        return count / (time.perf_counter() - start)

    settings.AUDIT_SHIP_URL = ""
    plain = record(args.events)
    pki = make_pki(work / "pki")
    settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
    rates: dict[str, float] = {}
    with syslog_tls_collector(pki) as syslog:
        settings.AUDIT_SHIP_URL = f"syslog+tls://127.0.0.1:{syslog.port}"
        queued = record(args.events)
        start = time.perf_counter()
        shipped = 0
        while AuditShipment.objects.exists():
            shipped += audit_ship_due(actor=system).shipped
        rates["syslog+tls"] = shipped / (time.perf_counter() - start)
        assert len(syslog.messages) == args.events
    with https_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"https://127.0.0.1:{collector.port}/ingest"
        record(args.events)
        start = time.perf_counter()
        shipped = 0
        while AuditShipment.objects.exists():
            shipped += audit_ship_due(actor=system).shipped
        rates["https"] = shipped / (time.perf_counter() - start)
        assert sum(len(batch["events"]) for batch in collector.batches) == args.events
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {args.events} events")
    print(f"record: {plain:,.0f} events/s without shipping, {queued:,.0f} events/s with the outbox")
    for name, rate in rates.items():
        print(f"ship ({name}): {rate:,.0f} events/s")


if __name__ == "__main__":
    main()
