"""Webhook delivery throughput: signing alone, and whole deliveries to a local endpoint.

Usage (from the repository root)::

    .venv/bin/python bench/webhooks_bench.py [--deliveries 500] [--body-bytes 1024] [--dir DIR]

Measures in one run:

* **sign**: Standard Webhooks signatures (HMAC-SHA256 over ``id.timestamp.body``) per second, in memory;
* **deliver**: whole deliveries per second through ``deliveries_retry_due`` (the periodic job's path, one
  worker, sequential): claim the row, open the sealed secret, check the endpoint's address, sign, POST
  over a new HTTP connection to a local ``ThreadingHTTPServer`` answering 204, record the outcome and
  its audit event (and transparency-log leaf) — in a throw-away SQLite database (WAL, as deployed) under DIR.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


class Handler(BaseHTTPRequestHandler):
    """Read the body, answer 204."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--body-bytes", type=int, default=1024)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="webhooks-bench-", dir=args.dir))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chancery.config.settings",
            "CHANCERY_VAR_DIR": str(work),  # the default SQLite set-up (WAL), in a throw-away directory
            "CHANCERY_KEYRING_FILE": str(work / "keyring.json"),
            "CHANCERY_TLOG_KEY_DIR": str(work / "tlog"),
            "CHANCERY_WEBHOOK_ALLOWLIST": "127.0.0.1",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from chancery.identity.models import User
    from chancery.missions.models import Organisation
    from chancery.platform.actor import Actor
    from chancery.resilience.webhooks import services, signing
    from chancery.resilience.webhooks.models import WebhookDelivery

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)

    secret = signing.secret_new()
    body = os.urandom(args.body_bytes // 2).hex().encode()
    count = 20000
    start = time.perf_counter()
    for i in range(count):
        signing.signed_headers(secret=secret, message_id=f"msg_{i}", timestamp=1_700_000_000, body=body)
    sign_rate = count / (time.perf_counter() - start)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ministry = Organisation.objects.create(code="mofa", name_en="MOFA", name_vi="BNG", kind="ministry")
    partner = Organisation.objects.create(
        code="mofa-japan", name_en="MOFA Japan", name_vi="BNG Nhật", kind="partner_ministry", country_code="JP"
    )
    admin = User.objects.create(username="admin", role="administrator", organisation=ministry, clearance=30)
    created = services.subscription_create(
        actor=Actor.from_user(admin),
        organisation_code=partner.code,
        url=f"http://127.0.0.1:{server.server_address[1]}/hook",
        event_types=["document.shared"],
    )
    payload = {"document": {"id": 1, "title_en": body.decode()[: args.body_bytes // 2]}}
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=created.subscription,
            message_id=signing.message_id_new(),
            event_type="document.shared",
            payload=payload,
            next_attempt_at=now,
        )
        for _ in range(args.deliveries)
    )
    system = Actor.system(purpose="bench")
    start = time.perf_counter()
    done = 0
    while done < args.deliveries:
        sent = services.deliveries_retry_due(actor=system)
        if not sent:
            break
        done += sent
    elapsed = time.perf_counter() - start
    server.shutdown()
    delivered = WebhookDelivery.objects.filter(status="succeeded").count()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, body {args.body_bytes} B")
    print(f"sign: {sign_rate:,.0f} signatures/s")
    print(
        f"deliver: {delivered}/{args.deliveries} delivered in {elapsed:.2f} s = {delivered / elapsed:,.1f} deliveries/s"
    )


if __name__ == "__main__":
    main()
