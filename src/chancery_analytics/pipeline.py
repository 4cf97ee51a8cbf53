"""The default enrichment pipeline: one record in, one annotation out, every field tagged with its model.

Models load once per :class:`Pipeline` from the committed artefacts, or from the directory named by
``CHANCERY_ANALYTICS_MODELS`` (a deployment's own artefacts in the same ``.npz`` + JSON format).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from chancery_analytics.jsonl import InputRecord, Rejected
from chancery_analytics.nlp.countries import countries_tag
from chancery_analytics.nlp.entities import Entity, Gazetteer, entities_gazetteer, entities_tag
from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.language import language_identify
from chancery_analytics.nlp.linear import MODELS_DIR, LinearModel, model_load
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.topic import topic_classify

SENTIMENTS = ("negative", "neutral", "positive")
EVENT_CLASSES = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict", "make_statement")
# Mean Goldstein-scale weight of each class: event_intensity is their expectation under the model's
# probabilities, from -10 (most conflictual) to +10 (most cooperative).
GOLDSTEIN = {
    "make_statement": 0.0,
    "verbal_cooperation": 3.0,
    "material_cooperation": 7.0,
    "verbal_conflict": -4.0,
    "material_conflict": -8.0,
}
OUTPUT_FIELDS = (
    "id",
    "lang",
    "countries",
    "countries_about",
    "sentiment",
    "sentiment_score",
    "event_class",
    "event_intensity",
    "political",
    "topic",
    "organisations",
    "people",
    "models",
)


@dataclass(frozen=True, slots=True)
class Annotation:
    """The enrichment of one record, in the vocabulary ``chancery intel annotate`` writes."""

    id: str | int
    lang: str
    countries: list[str]
    countries_about: list[str]
    sentiment: str
    sentiment_score: float
    event_class: str
    event_intensity: float
    political: bool
    topic: str
    organisations: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict with exactly :data:`OUTPUT_FIELDS`."""
        return {name: getattr(self, name) for name in OUTPUT_FIELDS}


def models_dir_default() -> Path:
    """Return ``$CHANCERY_ANALYTICS_MODELS`` when set, else the committed artefacts' directory."""
    raw = os.environ.get("CHANCERY_ANALYTICS_MODELS", "")
    return Path(raw) if raw else MODELS_DIR


@dataclass
class Pipeline:
    """The default pipeline; create one per process and reuse it (models load lazily, once)."""

    models_dir: Path = field(default_factory=models_dir_default)
    extra_entities: tuple[Entity, ...] = ()  # an analyst's people and organisations (see nlp.entities)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """The people and organisations gazetteer: curated, extended by :attr:`extra_entities`."""
        return entities_gazetteer(self.extra_entities)

    def _load(self, name: str) -> LinearModel:
        return model_load(name, directory=self.models_dir)

    @cached_property
    def langid(self) -> LinearModel:
        """The language-identification model."""
        return self._load("langid")

    @cached_property
    def sentiment_vi(self) -> LinearModel:
        """Vietnamese sentiment."""
        return self._load("sentiment_vi")

    @cached_property
    def sentiment_en(self) -> LinearModel:
        """English (and fallback) sentiment."""
        return self._load("sentiment_en")

    @cached_property
    def sentiment_multi(self) -> LinearModel:
        """Sentiment for languages other than English and Vietnamese."""
        return self._load("sentiment_multi")

    def sentiment_model(self, lang: str) -> LinearModel:
        """Return the sentiment model for ``lang``: Vietnamese, English (also for ``und``), or multilingual."""
        if lang == "vi":
            return self.sentiment_vi
        if lang in {"en", "und"}:
            return self.sentiment_en
        return self.sentiment_multi

    @cached_property
    def event(self) -> LinearModel:
        """CAMEO pentaclass event model."""
        return self._load("event")

    @cached_property
    def political(self) -> LinearModel:
        """Political-news filter."""
        return self._load("political")

    def annotate(self, record: InputRecord) -> Annotation:
        """Enrich one record (``lang``, when given, overrides language identification)."""
        text = normalise_text(record.text)
        shared = TextCounts(text)  # models reading the text alike tokenise and hash it once
        language = language_identify(text, self.langid, shared)
        lang = record.lang or language.lang
        tags = countries_tag(text)
        sentiment_model = self.sentiment_model(lang)
        sentiment = sentiment_model.predict(text, shared)
        polarity = sentiment.scores.get("positive", 0.0) - sentiment.scores.get("negative", 0.0)
        event = self.event.predict(text, shared)
        intensity = sum(GOLDSTEIN[label] * p for label, p in event.scores.items())
        political = self.political.predict(text, shared)
        topic = topic_classify(text)
        entities = entities_tag(text, self.gazetteer)
        return Annotation(
            id=record.id,
            lang=lang,
            countries=tags.countries,
            countries_about=tags.about,
            sentiment=sentiment.label,
            sentiment_score=round(polarity, 4),
            event_class=event.label,
            event_intensity=round(intensity, 2),
            political=political.label == "politics",
            topic=topic.topic,
            organisations=entities.organisations,
            people=entities.people,
            models={
                "lang": "given" if record.lang else language.model,
                "countries": tags.model,
                "sentiment": sentiment_model.model_id,
                "event": self.event.model_id,
                "political": self.political.model_id,
                "topic": topic.model,
                "entities": entities.model,
            },
        )

    def annotate_batch(self, items: Iterable[InputRecord | Rejected]) -> Iterator[Annotation | Rejected]:
        """Enrich a batch in order; rejected input passes through.

        A record that fails is rejected with its reason while the rest of the batch goes on.
        """
        for item in items:
            if isinstance(item, Rejected):
                yield item
                continue
            try:
                yield self.annotate(item)
            except (ValueError, TypeError, UnicodeError) as error:
                yield Rejected(line=0, reason=f"enrichment failed: {error.__class__.__name__}", id=item.id)
