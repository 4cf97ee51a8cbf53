"""Every page: a CSRF token in each POST form, no inline script/style without nonce, no outside assets.

The pages are found by crawling same-origin links from the sign-in page and the dashboard, as an
anonymous visitor, a desk officer and a security officer (who sees the most), so a page another
domain adds later is checked without editing this file.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.http.pages import crawl, page_facts, security_problems

pytestmark = pytest.mark.django_db

ORIGIN = "https://testserver"
ERROR_PAGES = ["/no-such-page/"]
ANONYMOUS_START = ["/accounts/login/", "/accounts/password/reset/", *ERROR_PAGES]


def nonce_of(response: object) -> str | None:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    for token in header.replace(";", " ").split():
        if token.startswith("'nonce-"):
            return token[len("'nonce-") : -1]
    return None


def check_pages(client: Client, start: list[str]) -> list[str]:
    problems: dict[str, list[str]] = {}

    def fetch(path: str) -> tuple[int, str, str]:
        response = client.get(path, follow=True)
        final = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            final += "?" + response.request["QUERY_STRING"]
        if not response["Content-Type"].startswith("text/html"):
            return 415, final, ""
        html = response.content.decode()
        found = security_problems(html, origin=ORIGIN, csp_nonce=nonce_of(response))
        if found:
            problems[final] = found
        return (200 if response.status_code == 404 and path in ERROR_PAGES else response.status_code), final, html

    pages = crawl(start, fetch, origin=ORIGIN)
    assert not problems, "\n".join(f"{page}: {'; '.join(found)}" for page, found in problems.items())
    return pages


def test_anonymous_pages_keep_the_rules(https_client: Client) -> None:
    pages = check_pages(https_client, ANONYMOUS_START)
    assert "/accounts/login/" in pages


def test_desk_officer_pages_keep_the_rules(desk_client: Client) -> None:
    pages = check_pages(desk_client, ["/", *ERROR_PAGES])
    assert {"/", "/me/security/"} <= set(pages)


def test_security_officer_pages_keep_the_rules(officer_client: Client) -> None:
    pages = check_pages(officer_client, ["/", *ERROR_PAGES])
    assert {"/", "/me/security/", "/audit/"} <= set(pages)
    assert len(pages) >= 5


def test_checker_catches_each_kind_of_breach() -> None:
    html = """<html lang="en"><head><script>alert(1)</script><style>p{}</style>
    <link rel="stylesheet" href="https://cdn.example.org/x.css"><script src="//cdn.example.org/x.js"></script>
    <script nonce="stale">1</script></head>
    <body><p style="color:red" onclick="x()">x</p><img src="data:image/png;base64,AA" alt="">
    <form method="post" action="/x/"><input name="a"></form><form method="get"><input name="q"></form>
    <form method="POST"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form></body></html>"""
    problems = security_problems(html, origin=ORIGIN, csp_nonce="fresh")
    assert problems == [
        "1 inline <script> without a nonce",
        "1 inline <style> without a nonce",
        "<script> nonce 'stale' is not the response's",
        "style attribute on <p>",
        "event handler attribute p[onclick]",
        "asset from another origin: https://cdn.example.org/x.css",
        "asset from another origin: //cdn.example.org/x.js",
        "POST form to /x/ has no csrfmiddlewaretoken",
    ]
    assert page_facts(html).html_lang == "en"


def test_every_rendered_post_form_has_a_csrf_token_on_the_dashboard(desk_client: Client) -> None:
    facts = page_facts(desk_client.get("/").content.decode())
    post_forms = [form for form in facts.forms if form.method == "post"]
    assert len(post_forms) >= 2  # the language switch and sign-out
    assert all("csrfmiddlewaretoken" in form.input_names for form in post_forms)
