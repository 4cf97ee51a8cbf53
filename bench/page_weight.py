"""Page weight of every page the demo users reach, uncached, against the 250 kB budget.

Usage::

    .venv/bin/python bench/page_weight.py

Starts ``python -m chancery demo`` on a free port with a fresh temporary ``CHANCERY_VAR_DIR``, signs in
one demo user of every role (password + TOTP) in Debian's Chromium, crawls the same-origin links from
each dashboard (as the browser tests do), then loads every distinct page in a fresh browser context (no
cache) and sums the bodies of the document and every subresource (stylesheet, icon, …).

The baseline, measured in the same run, is the anonymous sign-in page: each page's weight is printed
beside it as a ratio, and as a share of the 250 kB budget (250,000 bytes).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="chancery-bench-") as folder:
        var_dir = Path(folder)
        os.environ["CHANCERY_VAR_DIR"] = str(var_dir / "client")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.config.settings")
        import django

        django.setup()  # allauth's TOTP helpers read Django settings
        from playwright.sync_api import sync_playwright

        from tests.e2e.demo import (
            ERROR_PATH,
            PAGE_BUDGET_BYTES,
            TotpClock,
            demo_running,
            launch_chromium,
            new_context,
            page_weight,
            sign_in,
            site_map,
        )

        server_dir = var_dir / "server"
        server_dir.mkdir()
        with demo_running(server_dir) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            clock = TotpClock()
            states: dict[str, Path] = {}
            for user in server.roles():
                context = new_context(browser)
                sign_in(context.new_page(), server, user, clock)
                states[user.role] = var_dir / f"{user.role}.json"
                context.storage_state(path=states[user.role])
                context.close()
            pages = {"/accounts/login/": "", ERROR_PATH: ""} | site_map(browser, server, states)
            rows = []
            for path, role in pages.items():
                weight = page_weight(browser, server.base_url + path, state=states.get(role))
                rows.append((path, role or "(anonymous)", weight.total_bytes, len(weight.urls)))
            browser.close()

    baseline = rows[0][2]
    print(
        f"Python {platform.python_version()}, {platform.machine()}; {len(rows)} pages; budget {PAGE_BUDGET_BYTES:,} B"
    )
    print(f"Baseline: the sign-in page, {baseline:,} bytes uncached\n")
    width = max(len(row[0]) for row in rows)
    print(
        f"| {'page':<{width}} | {'as':<18} | {'bytes':>8} | {'requests':>8} | {'vs sign-in':>10} | {'of budget':>9} |"
    )
    print(f"| {'-' * width} | {'-' * 18} | {'-' * 7}: | {'-' * 7}: | {'-' * 9}: | {'-' * 8}: |")
    for path, role, size, requests in rows:
        print(
            f"| {path:<{width}} | {role:<18} | {size:>8,} | {requests:>8} | {size / baseline:>9.2f}x "
            f"| {size / PAGE_BUDGET_BYTES:>8.1%} |"
        )
    heaviest = max(rows, key=lambda row: row[2])
    print(f"\nHeaviest: {heaviest[0]} at {heaviest[2]:,} bytes ({heaviest[2] / PAGE_BUDGET_BYTES:.1%} of the budget)")
    return 0 if heaviest[2] < PAGE_BUDGET_BYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
