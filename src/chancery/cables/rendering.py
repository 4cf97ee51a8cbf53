"""The safe Markdown subset of cable paragraphs, rendered to HTML and sanitised with nh3.

Supported: ``**bold**``, ``*italic*``, ```code```, lines starting with ``- `` as a bulleted list, and
line breaks. Anything else, including raw HTML, is neutralised by nh3's allow-list.
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset({"strong", "em", "code", "ul", "li", "br", "p"})
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)")
_CODE = re.compile(r"`([^`]+)`")


def _inline(line: str) -> str:
    line = _CODE.sub(r"<code>\1</code>", line)
    line = _BOLD.sub(r"<strong>\1</strong>", line)
    return _ITALIC.sub(r"<em>\1</em>", line)


def markdown_to_html(text: str) -> str:
    """Return the sanitised HTML for one paragraph's text (safe to mark as safe in a template)."""
    parts: list[str] = []
    items: list[str] = []
    lines: list[str] = []

    def flush_lines() -> None:
        if lines:
            parts.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
            lines.clear()

    def flush_items() -> None:
        if items:
            parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if line.startswith("- "):
            flush_lines()
            items.append(line[2:])
        elif not line.strip():
            flush_lines()
            flush_items()
        else:
            flush_items()
            lines.append(line)
    flush_lines()
    flush_items()
    return nh3.clean("".join(parts), tags=set(ALLOWED_TAGS), attributes={}, link_rel=None)
