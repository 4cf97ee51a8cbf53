"""The ministry's own channel: a public page of approved statements and its Atom feed (no sign-in).

Only posts that were approved and whose time has come are shown (``statement_published_at`` set by the
publishing run), so a platform outage or API retirement never silences the ministry.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from chancery.outreach import selectors
from chancery.platform.http import page_actor

CACHE = "public, max-age=60"


def statement_list(request: HttpRequest) -> HttpResponse:
    """Render the newest statements in both languages, linking the Atom feed."""
    posts = selectors.statements_public(actor=page_actor(request))
    response = render(request, "outreach/statements.html", {"posts": posts})
    response["Cache-Control"] = CACHE
    return response


def statement_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """Render one statement in both languages."""
    post = selectors.statement_get(actor=page_actor(request), post_id=post_id)
    response = render(request, "outreach/statement.html", {"post": post})
    response["Cache-Control"] = CACHE
    return response


def statement_feed(request: HttpRequest) -> HttpResponse:
    """Return the statements as an Atom 1.0 feed (RFC 4287), both language versions in each entry."""
    posts = list(selectors.statements_public(actor=page_actor(request)))
    feed = Atom1Feed(
        title=_("Statements of the Ministry of Foreign Affairs"),
        link=request.build_absolute_uri(reverse("statements:list")),
        description="",
        feed_url=request.build_absolute_uri(reverse("statements:feed")),
        language="vi",
        feed_guid=request.build_absolute_uri(reverse("statements:feed")),
    )
    for post in posts:
        link = request.build_absolute_uri(reverse("statements:detail", args=[post.pk]))
        published = post.statement_published_at or timezone.now()
        feed.add_item(
            title=post.title,
            link=link,
            description=f"{post.text_vi}\n\n{post.text_en}",
            unique_id=link,
            pubdate=published,
            updateddate=published,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    response["Cache-Control"] = CACHE
    return response
