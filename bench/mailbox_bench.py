"""Reporting-mailbox throughput: forwarded phish fetched over IMAP (TLS) and filed as reports.

Usage (from the repository root)::

    .venv/bin/python bench/mailbox_bench.py [--messages 200] [--dir DIR]

Delivers ``--messages`` forwards (each with the original attached as ``message/rfc822``: an HTML part with a
link and a 1 KiB attachment) to the local IMAP4rev1 test server over TLS (``tests/awareness/fake_imap.py``,
in its own process), then times one ``configured_mailbox_poll`` (the scheduled job's path): size, fetch,
envelope check, forward extraction, safe parse, the report with its indicators and audit event, flag and
expunge — in a throw-away SQLite database (WAL, as deployed) under DIR.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _serve(forward: bytes, count: int, cert: Path, key: Path, ports: multiprocessing.Queue[int]) -> None:
    from tests.awareness.fake_imap import FakeImapServer, Folder

    folder = Folder(user="bench", password="bench")
    for _ in range(count):
        folder.deliver(forward)
    with FakeImapServer(folder, cert, key) as server:
        ports.put(server.port)
        server.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mailbox-bench-", dir=args.dir))
    from tests.awareness.fake_imap import self_signed

    cert, key = self_signed(work)
    (work / "password").write_text("bench")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chancery.config.settings",
            "CHANCERY_VAR_DIR": str(work),
            "CHANCERY_KEYRING_FILE": str(work / "keyring.json"),
            "CHANCERY_TLOG_KEY_DIR": str(work / "tlog"),
            "CHANCERY_CA_BUNDLE": str(cert),
            "CHANCERY_AWARENESS_IMAP_HOST": "127.0.0.1",
            "CHANCERY_AWARENESS_IMAP_USER": "bench",
            "CHANCERY_AWARENESS_IMAP_PASSWORD_FILE": str(work / "password"),
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from chancery.awareness.mailbox import configured_mailbox_poll
    from chancery.awareness.models import PhishingReport
    from chancery.identity.models import User
    from chancery.missions.models import Organisation
    from chancery.platform.actor import Actor
    from tests.awareness.mails import PHISH
    from tests.awareness.test_mailbox import forward_attached

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    ministry = Organisation.objects.create(code="mofa", name_en="MOFA", name_vi="BNG", kind="ministry")
    User.objects.create(username="desk", role="desk_officer", organisation=ministry, email="desk@mofa.example")
    forward = forward_attached("desk@mofa.example", PHISH + b"x" * 1024, return_path="desk@mofa.example")
    ports: multiprocessing.Queue[int] = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(forward, args.messages, cert, key, ports), daemon=True
    )
    server.start()  # its own process: the server's work does not compete with the poller for the GIL
    settings.AWARENESS_IMAP_PORT = ports.get(timeout=30)
    start = time.perf_counter()
    result = configured_mailbox_poll(actor=Actor.system(purpose="bench"))
    elapsed = time.perf_counter() - start
    server.terminate()
    assert result is not None
    filed = PhishingReport.objects.count()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, forward {len(forward)} B")
    print(f"poll: {filed}/{args.messages} filed in {elapsed:.2f} s = {filed / elapsed:,.1f} forwards/s")


if __name__ == "__main__":
    main()
