"""Watchlists and alerts: the owner's watchlists, alerts for new matching items, and spike alerts.

Watchlists are private to their owner (``intelligence.watch``). A new item matching a watchlist raises one
alert per watchlist and batch, published live to the owner (``intelligence.watch_match``) and, when the owner
asked for it, e-mailed (a count and a link only: never item text). Spike alerts compare a day's volume and mean
tone for each country and topic with the trailing window (see :mod:`chancery.intelligence.spikes`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.intelligence import spikes
from chancery.intelligence.matching import watch_reasons
from chancery.intelligence.models import Alert, Item, Mention, Watchlist
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound
from chancery.platform.events.services import events_publish
from chancery.vault.search import fold

logger = logging.getLogger(__name__)
MAX_TERMS = 50
MAX_TERM_CHARS = 100
MAX_WATCHLISTS = 20
STORIES_PER_ALERT = 10


def _country_codes() -> set[str]:
    import pycountry

    return {country.alpha_3 for country in pycountry.countries}


def _clean_terms(values: Iterable[str], *, field: str, errors: dict[str, list[str]]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(cleaned) > MAX_TERMS or any(len(v) > MAX_TERM_CHARS for v in cleaned):
        errors[field] = [_("At most 50 entries of at most 100 characters each.")]
    return cleaned


def watchlist_clean(
    *, name: str, countries: Iterable[str], keywords: Iterable[str], people: Iterable[str], organisations: Iterable[str]
) -> dict[str, Any]:
    """Validate a watchlist's fields; return them cleaned or raise InvalidInput naming each bad field."""
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 200:
        errors["name"] = [_("Enter a name of at most 200 characters.")]
    codes = [c.upper() if c.isascii() else c for c in _clean_terms(countries, field="countries", errors=errors)]
    unknown = [c for c in codes if c not in _country_codes()]
    if unknown:
        errors["countries"] = [_("Unknown ISO 3166 alpha-3 codes: %(codes)s") % {"codes": ", ".join(unknown[:5])}]
    fields = {
        "name": name.strip(),
        "countries": codes,
        "keywords": _clean_terms(keywords, field="keywords", errors=errors),
        "people": _clean_terms(people, field="people", errors=errors),
        "organisations": _clean_terms(organisations, field="organisations", errors=errors),
    }
    if not errors and not any(fields[k] for k in ("countries", "keywords", "people", "organisations")):
        errors["keywords"] = [_("Watch at least one country, keyword, person or organisation.")]
    if errors:
        raise InvalidInput(_("The watchlist is not valid."), errors=errors)
    return fields


def watchlist_create(
    *,
    actor: Actor,
    name: str,
    countries: Iterable[str] = (),
    keywords: Iterable[str] = (),
    people: Iterable[str] = (),
    organisations: Iterable[str] = (),
    email: bool = False,
) -> Watchlist:
    """Create a private watchlist for the actor (any reader; at most 20). Emits ``intelligence.watchlist_created``."""
    access.require(actor, "intelligence.watch")
    fields = watchlist_clean(
        name=name, countries=countries, keywords=keywords, people=people, organisations=organisations
    )
    owner_id = actor.user_id
    if owner_id is None:  # the rule admits signed-in users only; this keeps the type checker informed
        raise NotFound
    with transaction.atomic():
        if Watchlist.objects.filter(owner_id=owner_id).count() >= MAX_WATCHLISTS:
            raise InvalidInput(_("You have too many watchlists; delete one first."))
        watchlist = Watchlist.objects.create(owner_id=owner_id, email=email, **fields)
        audit_record(
            actor=actor,
            action="intelligence.watchlist_created",
            object_type="intelligence.watchlist",
            object_id=watchlist.pk,
        )
    return watchlist


def _own(actor: Actor, watchlist_id: int) -> Watchlist:
    watchlist = Watchlist.objects.select_for_update().filter(pk=watchlist_id).first()
    if watchlist is None:
        raise NotFound
    access.require(actor, "intelligence.watch", watchlist)
    return watchlist


def watchlist_update(
    *,
    actor: Actor,
    watchlist_id: int,
    name: str,
    countries: Iterable[str] = (),
    keywords: Iterable[str] = (),
    people: Iterable[str] = (),
    organisations: Iterable[str] = (),
    email: bool = False,
) -> Watchlist:
    """Replace one of the actor's watchlists (NotFound for anyone else's). Emits ``intelligence.watchlist_changed``."""
    fields = watchlist_clean(
        name=name, countries=countries, keywords=keywords, people=people, organisations=organisations
    )
    with transaction.atomic():
        watchlist = _own(actor, watchlist_id)
        for key, value in fields.items():
            setattr(watchlist, key, value)
        watchlist.email = email
        watchlist.save()
        audit_record(
            actor=actor,
            action="intelligence.watchlist_changed",
            object_type="intelligence.watchlist",
            object_id=watchlist.pk,
        )
    return watchlist


def watchlist_delete(*, actor: Actor, watchlist_id: int) -> None:
    """Delete one of the actor's watchlists and its alerts. Emits ``intelligence.watchlist_deleted``."""
    with transaction.atomic():
        watchlist = _own(actor, watchlist_id)
        watchlist.delete()
        audit_record(
            actor=actor,
            action="intelligence.watchlist_deleted",
            object_type="intelligence.watchlist",
            object_id=watchlist_id,
        )


def alert_mark_read(*, actor: Actor, alert_id: int) -> None:
    """Mark one of the actor's own watchlist alerts as read (NotFound otherwise)."""
    from django.utils import timezone

    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert_id, owner_id=actor.user_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if not updated and not Alert.objects.filter(pk=alert_id, owner_id=actor.user_id).exists():
            raise NotFound
        audit_record(
            actor=actor, action="intelligence.alert_read", object_type="intelligence.alert", object_id=alert_id
        )


def _email(owner_id: int, watchlist_name: str, count: int) -> None:
    user = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if user is None or not user.email:
        return
    subject = _("Chancery: %(count)d new item(s) match your watchlist “%(name)s”") % {
        "count": count,
        "name": watchlist_name,
    }
    body = _("Open the alerts page to read them: %(url)s") % {"url": reverse("intelligence:alerts")}
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # the in-app alert stands; a mail outage must not undo it
        logger.warning("watchlist alert e-mail could not be sent", exc_info=True)


def watch_alerts_raise(*, actor: Actor, item_ids: list[int]) -> int:
    """Raise one alert per watchlist that the new items match; return how many alerts were raised.

    For the ingesting actor (``intelligence.administer``). Emits ``intelligence.watch_alert`` per alert, a live
    ``intelligence.watch_match`` event to the owner, and an e-mail (count and link only) when the owner asked.
    """
    access.require(actor, "intelligence.administer")
    watchlists = list(Watchlist.objects.all())
    if not watchlists or not item_ids:
        return 0
    countries: dict[int, set[str]] = defaultdict(set)
    for item_id, country in Mention.objects.filter(item_id__in=item_ids).values_list("item_id", "country"):
        countries[item_id].add(country)
    texts = {
        pk: fold(f"{title}\n{text}")
        for pk, title, text in Item.objects.filter(pk__in=item_ids).values_list("pk", "title", "text")
    }
    raised = 0
    with transaction.atomic():
        for watchlist in watchlists:
            matches: dict[int, list[str]] = {}
            for item_id, folded in texts.items():
                reasons = watch_reasons(
                    countries=watchlist.countries,
                    keywords=watchlist.keywords,
                    people=watchlist.people,
                    organisations=watchlist.organisations,
                    item_countries=countries[item_id],
                    folded_text=folded,
                )
                if reasons:
                    matches[item_id] = reasons
            if not matches:
                continue
            alert = Alert.objects.create(
                kind="watch",
                owner_id=watchlist.owner_id,
                watchlist=watchlist,
                subject=f"watchlist:{watchlist.pk}",
                figures={"count": len(matches), "reasons": {str(k): v for k, v in list(matches.items())[:50]}},
            )
            alert.items.set(list(matches)[:50])
            audit_record(
                actor=actor,
                action="intelligence.watch_alert",
                object_type="intelligence.alert",
                object_id=alert.pk,
                detail={"watchlist_id": watchlist.pk, "items": len(matches)},
            )
            events_publish(
                user_ids=[watchlist.owner_id],
                kind="intelligence.watch_match",
                payload={"alert_id": alert.pk, "watchlist_id": watchlist.pk, "count": len(matches)},
            )
            if watchlist.email:
                transaction.on_commit(partial(_email, watchlist.owner_id, watchlist.name, len(matches)))
            raised += 1
    return raised


# --- Spikes ---------------------------------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _window_rows(first: date, last: date) -> list[tuple[int, date, float, str, list[str]]]:
    start, _end = _day_bounds(first)
    _start, end = _day_bounds(last)
    rows = (
        Item.objects.filter(published_at__gte=start, published_at__lt=end, enrichment__isnull=False)
        .values_list("pk", "published_at", "enrichment__sentiment_score", "enrichment__topic")
        .order_by("pk")
    )
    mentions: dict[int, list[str]] = defaultdict(list)
    ids = [row[0] for row in rows]
    for item_id, country in Mention.objects.filter(item_id__in=ids).values_list("item_id", "country"):
        mentions[item_id].append(country)
    return [
        (pk, moment.astimezone(UTC).date(), score, topic, mentions[pk])
        for pk, moment, score, topic in rows
        if moment is not None
    ]


def _recipients(subject: str) -> list[int]:
    from chancery.intelligence.permissions import ADMIN_ROLES

    kind, _sep, value = subject.partition(":")
    owners = set()
    if kind == "country":
        owners = {owner for owner, codes in Watchlist.objects.values_list("owner_id", "countries") if value in codes}
    analysts = get_user_model().objects.filter(is_active=True, role__in=sorted(ADMIN_ROLES))
    return sorted(owners | set(analysts.values_list("pk", flat=True)))


def spikes_detect(*, actor: Actor, days: Iterable[date]) -> list[Alert]:
    """Raise a spike alert for each country and topic whose volume or tone on one of ``days`` left its baseline.

    For the system actor or an administrator (``intelligence.administer``). The baseline is the
    ``INTEL_SPIKE_WINDOW_DAYS`` before the day, from the first stored item on (at least 7 days). The alert
    keeps the figures and the day's top stories; each (subject, measure, day) alerts once. Emits
    ``intelligence.spike_alert`` and live ``intelligence.spike`` events to the subject's watchers and to
    administrators and analysts.
    """
    access.require(actor, "intelligence.administer")
    window = settings.INTEL_SPIKE_WINDOW_DAYS
    raised: list[Alert] = []
    earliest = Item.objects.filter(published_at__isnull=False).aggregate(first=Min("published_at"))["first"]
    if earliest is None:
        return raised
    coverage = earliest.astimezone(UTC).date()  # before the first stored item there is no baseline, not zeros
    for day in sorted(set(days)):
        rows = _window_rows(day - timedelta(days=window), day)
        volume: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        tone: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
        stories: dict[str, list[int]] = defaultdict(list)
        for pk, when, score, topic, countries in rows:
            for subject in [f"country:{c}" for c in countries] + [f"topic:{topic}"]:
                volume[subject][when] += 1
                tone[subject][when].append(score)
                if when == day:
                    stories[subject].append(pk)
        baseline_days = [day - timedelta(days=n) for n in range(window, 0, -1) if day - timedelta(days=n) >= coverage]
        for subject, counts in sorted(volume.items()):
            count = counts.get(day, 0)
            findings: list[tuple[str, spikes.Spike | None]] = [
                (
                    "volume",
                    spikes.spike_check(
                        value=count,
                        baseline=[counts.get(d, 0) for d in baseline_days],
                        count=count,
                        min_count=settings.INTEL_SPIKE_MIN_COUNT,
                        z_threshold=settings.INTEL_SPIKE_Z,
                        std_floor=spikes.VOLUME_STD_FLOOR,
                    ),
                )
            ]
            scores = tone[subject]
            if day in scores:
                findings.append(
                    (
                        "tone",
                        spikes.spike_check(
                            value=sum(scores[day]) / len(scores[day]),
                            baseline=[sum(scores[d]) / len(scores[d]) for d in baseline_days if d in scores],
                            count=count,
                            min_count=settings.INTEL_SPIKE_MIN_COUNT,
                            z_threshold=settings.INTEL_SPIKE_Z,
                            std_floor=spikes.TONE_STD_FLOOR,
                        ),
                    )
                )
            for measure, spike in findings:
                if spike is not None:
                    alert = _spike_store(
                        actor, subject=subject, measure=measure, day=day, spike=spike, stories=stories[subject]
                    )
                    if alert is not None:
                        raised.append(alert)
    return raised


def _spike_store(
    actor: Actor, *, subject: str, measure: str, day: date, spike: spikes.Spike, stories: list[int]
) -> Alert | None:
    with transaction.atomic():
        if Alert.objects.filter(kind="spike", subject=subject, measure=measure, day=day).exists():
            return None
        figures = {**spike.as_dict(), "window_days": settings.INTEL_SPIKE_WINDOW_DAYS}
        alert = Alert.objects.create(kind="spike", subject=subject, measure=measure, day=day, figures=figures)
        top = (
            Item.objects.filter(pk__in=stories)
            .order_by("-enrichment__political", "-published_at", "-pk")
            .values_list("pk", flat=True)[:STORIES_PER_ALERT]
        )
        alert.items.set(list(top))
        audit_record(
            actor=actor,
            action="intelligence.spike_alert",
            object_type="intelligence.alert",
            object_id=alert.pk,
            detail={"subject": subject, "measure": measure, "day": day.isoformat(), "z": figures["z"]},
        )
        events_publish(
            user_ids=_recipients(subject),
            kind="intelligence.spike",
            payload={"alert_id": alert.pk, "subject": subject, "measure": measure, "day": day.isoformat()},
        )
    return alert


def spikes_detect_recent(*, actor: Actor, days: int = 2) -> int:
    """Run :func:`spikes_detect` for today and the days before (for the scheduler); return alerts raised."""
    from django.utils import timezone

    today = timezone.now().astimezone(UTC).date()
    return len(spikes_detect(actor=actor, days=[today - timedelta(days=n) for n in range(days)]))
