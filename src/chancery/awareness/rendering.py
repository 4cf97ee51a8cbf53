"""Lessons' Markdown to HTML: CommonMark with raw HTML disabled, then sanitised by nh3's allow-list."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a", "hr", "br"}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def lesson_html(text: str) -> str:
    """Return safe HTML for the Markdown ``text`` (links keep only ``href``, with ``rel=noopener noreferrer``)."""
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer",
    )
