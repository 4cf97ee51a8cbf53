"""Fixed vocabularies of the intelligence app (the enrichment's own vocabulary lives in the pipeline)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """How a source is read; the value is the connector spec's ``kind``."""

    RSS = "rss", _("RSS or Atom feed")
    JSONL = "jsonl", _("JSON Lines file")
    CSV = "csv", _("CSV file")
    GDELT_EVENTS = "gdelt_events", _("GDELT 2.0 events")
    GDELT_GKG = "gdelt_gkg", _("GDELT 2.0 GKG")
    SOCIAL = "social", _("Social-media export")
    WORLDBANK = "worldbank", _("World Bank indicators")
    IMF_SDMX = "imf_sdmx", _("IMF SDMX-CSV")
    FRED = "fred", _("FRED CSV")
    UPLOAD = "upload", _("Uploaded or command-line batch")


class ItemKind(models.TextChoices):
    """What an item is (the connectors' ``RawItem.kind``)."""

    ARTICLE = "article", _("Article")
    SOCIAL = "social", _("Social post")
    EVENT = "event", _("Event record")
    INDICATOR = "indicator", _("Indicator value")


class Sentiment(models.TextChoices):
    """Tone of an item."""

    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class EventClass(models.TextChoices):
    """CAMEO quad class plus neutral statements."""

    VERBAL_COOPERATION = "verbal_cooperation", _("Verbal cooperation")
    MATERIAL_COOPERATION = "material_cooperation", _("Material cooperation")
    VERBAL_CONFLICT = "verbal_conflict", _("Verbal conflict")
    MATERIAL_CONFLICT = "material_conflict", _("Material conflict")
    MAKE_STATEMENT = "make_statement", _("Statement")


class Topic(models.TextChoices):
    """The foreign-affairs taxonomy."""

    DIPLOMACY = "diplomacy", _("Diplomacy")
    SECURITY = "security_defence", _("Security and defence")
    MARITIME = "maritime_east_sea", _("Maritime and East Sea")
    TRADE = "trade_investment", _("Trade and investment")
    ENERGY = "energy", _("Energy")
    CLIMATE = "climate_environment", _("Climate and environment")
    HEALTH = "health", _("Health")
    TECHNOLOGY = "technology_cyber", _("Technology and cyber")
    MIGRATION = "migration_consular", _("Migration and consular")
    CULTURE = "culture_education", _("Culture and education")
    DISASTERS = "disasters", _("Disasters")
    OTHER = "other", _("Other")


class AlertKind(models.TextChoices):
    """Why an alert was raised."""

    WATCH = "watch", _("Watchlist match")
    SPIKE = "spike", _("Spike")


class SpikeMeasure(models.TextChoices):
    """What departed from its baseline."""

    VOLUME = "volume", _("Volume")
    TONE = "tone", _("Tone")
