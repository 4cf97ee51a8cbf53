"""Inspect rendered HTML for the security rules every page must keep, and crawl pages with a test client.

Shared by the header tests (Django's test client) and the browser tests (the live demo server): the
rules are the same whoever fetched the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# Attributes that load a resource or navigate, per element.
URL_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
    "form": ("action",),
    "a": ("href",),
}
# Links that only navigate may leave the site in future (e.g. a treaty's public page); assets may not.
ASSET_ELEMENTS = frozenset(URL_ATTRIBUTES) - {"a", "form"}
# GET links a crawler must not follow: they sign out or change state through a confirmation page.
UNSAFE_LINK = re.compile(r"/(logout|i18n|admin)/")


@dataclass
class Form:
    """A ``<form>`` as rendered: its method, action and the names of its inputs."""

    method: str
    action: str
    input_names: list[str] = field(default_factory=list)


@dataclass
class PageFacts:
    """What the security checks need to know about one rendered page."""

    html_lang: str | None = None
    forms: list[Form] = field(default_factory=list)
    inline_scripts_without_nonce: int = 0
    inline_styles_without_nonce: int = 0
    script_nonces: list[str] = field(default_factory=list)
    style_attributes: list[str] = field(default_factory=list)
    event_handler_attributes: list[str] = field(default_factory=list)
    asset_urls: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.facts.html_lang = values.get("lang")
        if "style" in values:
            self.facts.style_attributes.append(tag)
        self.facts.event_handler_attributes.extend(f"{tag}[{name}]" for name in values if name.startswith("on"))
        if tag == "script":
            if "nonce" in values:
                self.facts.script_nonces.append(values["nonce"])
            elif "src" not in values:
                self.facts.inline_scripts_without_nonce += 1
        if tag == "style" and "nonce" not in values:
            self.facts.inline_styles_without_nonce += 1
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            if values.get(attribute):
                target = self.facts.asset_urls if tag in ASSET_ELEMENTS else self.facts.links
                if tag == "link" and values.get("rel", "") in {"alternate", "canonical", "help"}:
                    target = self.facts.links
                target.extend(_split_srcset(values[attribute]) if attribute == "srcset" else [values[attribute]])
        if tag == "form":
            self._form = Form(method=values.get("method", "get").lower(), action=values.get("action", ""))
            self.facts.forms.append(self._form)
        if tag in {"input", "button", "select", "textarea"} and self._form is not None and "name" in values:
            self._form.input_names.append(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _split_srcset(value: str) -> list[str]:
    return [candidate.strip().split(" ")[0] for candidate in value.split(",") if candidate.strip()]


def page_facts(html: str) -> PageFacts:
    """Parse ``html`` and return the facts the security checks look at."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.facts


def is_same_origin(url: str, origin: str) -> bool:
    """True when ``url`` (as written in a page served from ``origin``) loads from that same origin."""
    if url.startswith("data:"):
        return True
    absolute = urljoin(origin + "/", url)
    return urlsplit(absolute)[:2] == urlsplit(origin)[:2]


def security_problems(html: str, *, origin: str, csp_nonce: str | None = None) -> list[str]:
    """Return every breach of the page rules in ``html`` (empty when the page is clean).

    Rules: no inline ``<script>``/``<style>`` without the response's nonce, no ``style=`` or ``on*=``
    attributes (the strict CSP would block them), no asset from another origin, and a CSRF token in every
    POST form.
    """
    facts = page_facts(html)
    problems: list[str] = []
    if facts.inline_scripts_without_nonce:
        problems.append(f"{facts.inline_scripts_without_nonce} inline <script> without a nonce")
    if facts.inline_styles_without_nonce:
        problems.append(f"{facts.inline_styles_without_nonce} inline <style> without a nonce")
    if csp_nonce is not None:
        problems.extend(
            f"<script> nonce {nonce!r} is not the response's" for nonce in facts.script_nonces if nonce != csp_nonce
        )
    problems.extend(f"style attribute on <{tag}>" for tag in facts.style_attributes)
    problems.extend(f"event handler attribute {name}" for name in facts.event_handler_attributes)
    problems.extend(f"asset from another origin: {url}" for url in facts.asset_urls if not is_same_origin(url, origin))
    problems.extend(
        f"POST form to {form.action or '(this page)'} has no csrfmiddlewaretoken"
        for form in facts.forms
        if form.method == "post" and "csrfmiddlewaretoken" not in form.input_names
    )
    return problems


def same_origin_links(html: str, *, page_url: str, origin: str) -> list[str]:
    """Return the same-origin page paths linked from ``html`` that are safe to GET while crawling."""
    found = []
    for link in page_facts(html).links:
        absolute = urldefrag(urljoin(page_url, link)).url
        if not is_same_origin(absolute, origin) or link.startswith(("mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(absolute)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not UNSAFE_LINK.search(parts.path) and not parts.path.startswith("/static/"):
            found.append(path)
    return found


def crawl(
    start: Iterable[str], fetch: Callable[[str], tuple[int, str, str]], *, origin: str, limit: int = 60
) -> list[str]:
    """Breadth-first crawl from ``start``; ``fetch(path)`` returns (status, final path, html).

    Returns the distinct final paths of the HTML pages reached (at most ``limit``). Redirects are
    followed by ``fetch``; query strings are kept, so a filter link counts as a page of its own.
    """
    queue = list(start)
    seen: set[str] = set(queue)
    pages: list[str] = []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        status, final, html = fetch(path)
        if status >= 400 or final in pages:
            continue
        pages.append(final)
        for link in same_origin_links(html, page_url=f"{origin}{final}", origin=origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages
