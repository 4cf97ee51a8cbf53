"""Pages: feed and export, items, country pages with charts, watchlists, alerts, the desk brief, sources.

Each view parses the request, calls one selector or service and renders; domain errors become 404 pages or
form and flash messages.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.intelligence import alerting, charts, selectors, services
from chancery.intelligence.forms import FilterForm, SourceForm, WatchlistForm
from chancery.missions.selectors import organisation_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor

PAGE_SIZE = 30


def _reader(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "intelligence.view"):
        raise DjangoPermissionDenied
    return actor


def _filter_form(request: HttpRequest, actor: Actor) -> FilterForm:
    sources = [(s.pk, s.name) for s in selectors.source_list(actor=actor)]
    return FilterForm(request.GET or None, sources=sources)


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    """Render the newest items matching the search and filters, with links to export them."""
    actor = _reader(request)
    form = _filter_form(request, actor)
    filters = form.filters()
    items = selectors.item_search(actor=actor, filters=filters)
    page = Paginator(items[: selectors.MAX_RESULTS], PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "unread": selectors.alert_unread_count(actor=actor),
        "can_administer": access.can(actor, "intelligence.administer"),
    }
    return render(request, "intelligence/feed.html", context)


EXPORT_COLUMNS = [
    "id",
    "published",
    "fetched",
    "source",
    "url",
    "lang",
    "title",
    "countries",
    "countries_about",
    "topic",
    "sentiment",
    "sentiment_score",
    "event_class",
    "event_intensity",
    "political",
    "text",
]


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download the items matching the feed's filters as CSV or JSON (at most ``EXPORT_MAX``)."""
    actor = _reader(request)
    if fmt not in {"csv", "json"}:
        raise Http404
    rows = selectors.export_rows(actor=actor, filters=_filter_form(request, actor).filters())
    if fmt == "json":
        response = HttpResponse(json.dumps(rows, ensure_ascii=False, indent=1), content_type="application/json")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            flat = {**row, "countries": " ".join(row["countries"]), "countries_about": " ".join(row["countries_about"])}
            writer.writerow({k: _csv_safe(v) for k, v in flat.items()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intelligence.{fmt}"'
    return response


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CSV injection) in text cells."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """Render one item with its enrichment, the models behind it, and its country mentions."""
    actor = _reader(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    return render(request, "intelligence/item.html", {"item": item})


@login_required
def countries(request: HttpRequest) -> HttpResponse:
    """List the most-covered countries, each linking to its page."""
    actor = _reader(request)
    return render(request, "intelligence/countries.html", {"countries": selectors.country_list(actor=actor)})


@login_required
def country(request: HttpRequest, code: str) -> HttpResponse:
    """Render a country's volume and tone over 90 days (charts and a table), top stories and events."""
    actor = _reader(request)
    overview = selectors.country_overview(actor=actor, code=code)
    days = [point.day for point in overview.days]
    context = {
        "overview": overview,
        "volume_chart": charts.bar_chart(
            title=_("Stories per day mentioning %(country)s") % {"country": overview.name},
            days=days,
            values=[point.count for point in overview.days],
            chart_id="volume-chart-title",
        ),
        "tone_chart": charts.line_chart(
            title=_("Mean tone per day (-1 negative, +1 positive) for %(country)s") % {"country": overview.name},
            days=days,
            values=[point.tone for point in overview.days],
            chart_id="tone-chart-title",
        ),
        "table_days": [point for point in overview.days if point.count],
    }
    return render(request, "intelligence/country.html", context)


def _watch_form_errors(form: WatchlistForm, error: DomainError) -> None:
    for name, found in error.errors.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


@login_required
@require_http_methods(["GET", "POST"])
def watchlists(request: HttpRequest) -> HttpResponse:
    """List the user's watchlists and create one from the form."""
    actor = _reader(request)
    form = WatchlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alerting.watchlist_create(actor=actor, **form.values())
        except DomainError as error:
            _watch_form_errors(form, error)
        else:
            messages.success(request, _("Watchlist saved: new matching items will raise an alert."))
            return redirect("intelligence:watchlists")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "watchlists": selectors.watchlist_list(actor=actor)}
    return render(request, "intelligence/watchlists.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def watchlist_edit(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    """Edit one of the user's watchlists."""
    actor = _reader(request)
    watchlist = selectors.watchlist_get(actor=actor, watchlist_id=watchlist_id)
    initial = {
        "name": watchlist.name,
        "countries": ", ".join(watchlist.countries),
        "keywords": ", ".join(watchlist.keywords),
        "people": ", ".join(watchlist.people),
        "organisations": ", ".join(watchlist.organisations),
        "email": watchlist.email,
    }
    form = WatchlistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alerting.watchlist_update(actor=actor, watchlist_id=watchlist_id, **form.values())
        except DomainError as error:
            _watch_form_errors(form, error)
        else:
            messages.success(request, _("Watchlist saved."))
            return redirect("intelligence:watchlists")
    status = 400 if request.method == "POST" else 200
    return render(request, "intelligence/watchlist_edit.html", {"form": form, "watchlist": watchlist}, status=status)


@login_required
@require_POST
def watchlist_delete(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    """Delete one of the user's watchlists."""
    alerting.watchlist_delete(actor=_reader(request), watchlist_id=watchlist_id)
    messages.success(request, _("Watchlist deleted."))
    return redirect("intelligence:watchlists")


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Render spike alerts and the user's watchlist alerts, each with its reasons and stories."""
    actor = _reader(request)
    page = Paginator(selectors.alert_list(actor=actor), 20).get_page(request.GET.get("page"))
    return render(request, "intelligence/alerts.html", {"page": page})


@login_required
@require_POST
def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Mark one of the user's watchlist alerts as read."""
    alerting.alert_mark_read(actor=_reader(request), alert_id=alert_id)
    return redirect("intelligence:alerts")


@login_required
def brief(request: HttpRequest) -> HttpResponse:
    """Render a desk's daily brief (the user's own desk; administrators and analysts may pick any)."""
    actor = _reader(request)
    units = [u for u in organisation_list(actor=actor) if access.can(actor, "intelligence.view_brief", u.pk)]
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None) or next(
        (u for u in units if u.pk == actor.organisation_id), None
    )
    if unit is None:
        raise Http404
    try:
        day = date.fromisoformat(request.GET["day"]) if request.GET.get("day") else None
    except ValueError:
        day = None
    found = selectors.brief_get(actor=actor, unit_id=unit.pk, day=day)
    items = selectors.brief_items(actor=actor, brief=found) if found else {}
    clusters = []
    for cluster in found.clusters if found else []:
        stories = [items[pk] for pk in cluster.get("item_ids", []) if pk in items]
        if stories:
            clusters.append({"lead": stories[0], "others": stories[1:], "size": cluster.get("size", len(stories))})
    followed = set(found.countries) if found else set()
    on_desk = any(followed & set(cluster.get("countries", [])) for cluster in (found.clusters if found else []))
    context = {
        "unit": unit,
        "units": units if len(units) > 1 else [],
        "brief": found,
        "clusters": clusters,
        "overall": bool(followed) and not on_desk,
    }
    return render(request, "intelligence/brief.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sources(request: HttpRequest) -> HttpResponse:
    """List the sources and add one (administrators and analysts)."""
    actor = page_actor(request)
    if not access.can(actor, "intelligence.administer"):
        raise DjangoPermissionDenied
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_create(actor=actor, **form.cleaned_data)
        except DomainError as error:
            for name, found in error.errors.items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Source added; it will be polled on its schedule."))
            return redirect("intelligence:sources")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "sources": selectors.source_list(actor=actor)}
    return render(request, "intelligence/sources.html", context, status=status)


@login_required
@require_POST
def source_poll(request: HttpRequest, source_id: int) -> HttpResponse:
    """Poll one source now and report what was stored."""
    actor = page_actor(request)
    if not access.can(actor, "intelligence.administer"):
        raise DjangoPermissionDenied
    try:
        result = services.source_poll(actor=actor, source_id=source_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("intelligence:sources")
    if result.error:
        messages.error(request, _("The source could not be read: %(reason)s") % {"reason": result.error})
    else:
        messages.success(
            request,
            _("%(stored)d new item(s), %(duplicates)d already stored, %(skipped)d skipped.") % result.summary,
        )
    return redirect("intelligence:sources")
