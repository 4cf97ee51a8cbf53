"""Sources, items, mentions, enrichments, indicator values, watchlists, alerts and daily briefs.

Items are open-source material marked INTERNAL (TLP:AMBER when shared): text is stored in clear (already plain
and sanitised by the connector) and indexed for full-text search (see :mod:`chancery.intelligence.search`).
Re-ingesting is a no-op: an item is unique per (source, external id) and per content hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.intelligence.enums import AlertKind, EventClass, ItemKind, Sentiment, SourceKind, SpikeMeasure


class Source(models.Model):
    """A place items come from: a feed, a file or dump, an indicator API, or command-line batches."""

    key = models.CharField(_("key"), max_length=300, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    url = models.CharField(_("URL or path"), max_length=2000, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    poll_minutes = models.PositiveIntegerField(_("poll interval (minutes)"), default=60)
    allow_full_text = models.BooleanField(_("fetch full text of linked pages"), default=False)
    options = models.JSONField(_("connector options"), default=dict, blank=True)
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One news article, social post, event record or indicator value, as read (plain, sanitised text)."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices, default=ItemKind.ARTICLE)
    external_id = models.CharField(_("external id"), max_length=500)
    url = models.CharField(_("URL"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    text = models.TextField(_("text"))
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)
    lang = models.CharField(_("language"), max_length=8, blank=True, db_index=True)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="intel_item_source_external_unique")
        ]
        indexes = [models.Index(fields=["-published_at", "-id"], name="intel_item_newest")]

    def __str__(self) -> str:
        return self.title or self.external_id

    @property
    def when(self) -> object:
        """The publication time, else the time it was fetched."""
        return self.published_at or self.fetched_at


class Mention(models.Model):
    """A country an item refers to (ISO 3166-1 alpha-3), and whether the item is mainly about it."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="mentions")
    country = models.CharField(_("country"), max_length=3, db_index=True)
    about = models.BooleanField(_("mainly about"), default=False)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["item", "country"], name="intel_mention_item_country_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.country}"


class Enrichment(models.Model):
    """What the pipeline said about an item, with the model and version behind every field."""

    item = models.OneToOneField(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="enrichment")
    sentiment = models.CharField(_("tone"), max_length=8, choices=Sentiment.choices, db_index=True)
    sentiment_score = models.FloatField(_("tone score"))
    event_class = models.CharField(_("event class"), max_length=24, choices=EventClass.choices, db_index=True)
    event_intensity = models.FloatField(_("event intensity"))
    political = models.BooleanField(_("political"))
    topic = models.CharField(_("topic"), max_length=32, db_index=True)
    model_versions = models.JSONField(_("model versions"), default=dict)
    enriched_at = models.DateTimeField(_("enriched at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrichment")
        verbose_name_plural = _("enrichments")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.topic}/{self.sentiment}"


class IndicatorValue(models.Model):
    """One observation of an economic indicator (items of kind ``indicator``)."""

    item = models.OneToOneField(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="indicator")
    series = models.CharField(_("series"), max_length=200, db_index=True)
    country = models.CharField(_("country"), max_length=3, blank=True, db_index=True)
    period = models.CharField(_("period"), max_length=32)
    value = models.FloatField(_("value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.series} {self.country} {self.period}"


class Watchlist(models.Model):
    """A user's private watch on countries, keywords, people and organisations."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    people = models.JSONField(_("people"), default=list, blank=True)
    organisations = models.JSONField(_("organisations"), default=list, blank=True)
    email = models.BooleanField(_("also by e-mail"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A watchlist match (for its owner) or a spike against a baseline (for every reader), with its reasons."""

    kind = models.CharField(_("kind"), max_length=8, choices=AlertKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, null=True, blank=True
    )
    watchlist = models.ForeignKey(
        Watchlist, verbose_name=_("watchlist"), on_delete=models.CASCADE, null=True, blank=True
    )
    subject = models.CharField(_("subject"), max_length=64, blank=True)  # "country:VNM" or "topic:energy"
    measure = models.CharField(_("measure"), max_length=8, choices=SpikeMeasure.choices, blank=True)
    day = models.DateField(_("day"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    items = models.ManyToManyField(Item, verbose_name=_("items"), related_name="alerts")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "measure", "day"],
                condition=models.Q(kind="spike"),
                name="intel_alert_spike_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.day}"


class Brief(models.Model):
    """A desk's daily brief: top stories of the day clustered by content similarity."""

    unit = models.ForeignKey("missions.Organisation", verbose_name=_("desk"), on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    countries = models.JSONField(_("countries"), default=list)
    clusters = models.JSONField(_("clusters"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="intel_brief_unit_day_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class Initiative(models.Model):
    """A foreign-policy initiative whose public sentiment is tracked (see :mod:`chancery.intelligence.initiatives`).

    An item is about the initiative when it holds one of the keywords, people or organisations (every word of the
    term, diacritic-insensitive, as the search matches), mentions one of the countries (any when empty) and is in
    one of the languages (any when empty).
    """

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    keywords = models.JSONField(_("keywords"), default=list)
    people = models.JSONField(_("people"), default=list, blank=True)
    organisations = models.JSONField(_("organisations"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["name_en", "pk"]

    def __str__(self) -> str:
        return self.name_en
