"""Run axe-core (bundled with axe-playwright-python) in a page and format its violations readably."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices (landmarks, one h1, skip links …).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    """Return axe.min.js as shipped inside the installed package (no network)."""
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Inject axe into ``page`` (through DevTools, which the page's CSP does not govern) and run it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(results["violations"])


def describe(path: str, violations: list[dict[str, Any]]) -> str:
    """Return one readable block per violation: rule, impact, help, and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"{path}: [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)
