"""The default enrichment pipeline: one record in, one annotation out, every field tagged with its model.

Models load once per :class:`Pipeline` from the committed artefacts, or from the directory named by
``CHANCERY_ANALYTICS_MODELS`` (a deployment's own artefacts in the same ``.npz`` + JSON format). A deployment
may plug a larger local ONNX transformer in for some languages' sentiment
(``CHANCERY_INTEL_ONNX_SENTIMENT_DIR`` and ``…_LANGS``, see :mod:`chancery_analytics.nlp.onnx_model`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from chancery_analytics.jsonl import InputRecord, Rejected
from chancery_analytics.nlp.countries import countries_tag
from chancery_analytics.nlp.entities import Entity, Gazetteer, entities_gazetteer, entities_tag
from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.language import language_identify
from chancery_analytics.nlp.linear import MODELS_DIR, LinearModel, Prediction, model_load
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.onnx_model import (
    OnnxSentiment,
    OnnxTextClassifier,
    onnx_classifier_load,
    onnx_sentiment_from_env,
)
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
BATCH = 32  # records annotate_batch reads ahead, so that a plugged transformer classifies them together
FAILURES = (ValueError, TypeError, UnicodeError)  # what rejects one record while the rest of a batch goes on


class SentimentModel(Protocol):
    """What the pipeline asks of a sentiment model; :class:`LinearModel` and :class:`OnnxTextClassifier` offer it."""

    @property
    def model_id(self) -> str:
        """The id recorded with each result (``name@version``)."""
        ...

    def predict_batch(self, texts: Sequence[str], shared: Sequence[TextCounts] | None = None) -> list[Prediction]:
        """One prediction per text, in order (``shared``: the texts' :class:`TextCounts`, when the model uses them)."""
        ...


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


@dataclass(frozen=True, slots=True)
class _Read:
    """A record read as far as choosing its sentiment model: normalised text, shared counts, language."""

    record: InputRecord
    text: str
    shared: TextCounts
    lang: str
    lang_model: str


def _failed(record: InputRecord, error: Exception) -> Rejected:
    return Rejected(line=0, reason=f"enrichment failed: {error.__class__.__name__}", id=record.id)


def models_dir_default() -> Path:
    """Return ``$CHANCERY_ANALYTICS_MODELS`` when set, else the committed artefacts' directory."""
    raw = os.environ.get("CHANCERY_ANALYTICS_MODELS", "")
    return Path(raw) if raw else MODELS_DIR


@dataclass
class Pipeline:
    """The default pipeline; create one per process and reuse it (models load lazily, once).

    ``onnx_sentiment`` (default: from the environment) plugs a local ONNX model in for its languages'
    sentiment; it loads at construction, so a wrong directory or a missing runtime raises ``OnnxModelError``
    (a ValueError) at once.
    """

    models_dir: Path = field(default_factory=models_dir_default)
    extra_entities: tuple[Entity, ...] = ()  # an analyst's people and organisations (see nlp.entities)
    onnx_sentiment: OnnxSentiment | None = field(default_factory=onnx_sentiment_from_env)
    sentiment_onnx: OnnxTextClassifier | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.onnx_sentiment is not None:
            self.sentiment_onnx = onnx_classifier_load(Path(self.onnx_sentiment.directory))

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

    def sentiment_model(self, lang: str) -> SentimentModel:
        """Return the sentiment model for ``lang``.

        That is the plugged ONNX model for the languages it serves, else Vietnamese, English (also for ``und``)
        or multilingual.
        """
        if self.sentiment_onnx is not None and self.onnx_sentiment is not None and self.onnx_sentiment.serves(lang):
            return self.sentiment_onnx
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

    def _read(self, record: InputRecord) -> _Read:
        text = normalise_text(record.text)
        shared = TextCounts(text)  # models reading the text alike tokenise and hash it once
        language = language_identify(text, self.langid, shared)
        return _Read(record, text, shared, record.lang or language.lang, "given" if record.lang else language.model)

    def annotate(self, record: InputRecord) -> Annotation:
        """Enrich one record (``lang``, when given, overrides language identification)."""
        read = self._read(record)
        model = self.sentiment_model(read.lang)
        (sentiment,) = model.predict_batch([read.text], [read.shared])
        return self._finish(read, sentiment, model.model_id)

    def _finish(self, read: _Read, sentiment: Prediction, sentiment_model: str) -> Annotation:
        text, shared, lang, record = read.text, read.shared, read.lang, read.record
        tags = countries_tag(text, shared)
        polarity = sentiment.scores.get("positive", 0.0) - sentiment.scores.get("negative", 0.0)
        event = self.event.predict(text, shared)
        intensity = sum(GOLDSTEIN[label] * p for label, p in event.scores.items())
        political = self.political.predict(text, shared)
        topic = topic_classify(text, shared)
        entities = entities_tag(text, self.gazetteer, shared)
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
                "lang": read.lang_model,
                "countries": tags.model,
                "sentiment": sentiment_model,
                "event": self.event.model_id,
                "political": self.political.model_id,
                "topic": topic.model,
                "entities": entities.model,
            },
        )

    def annotate_batch(self, items: Iterable[InputRecord | Rejected]) -> Iterator[Annotation | Rejected]:
        """Enrich a batch in order; rejected input passes through.

        Records are read :data:`BATCH` at a time and each sentiment model classifies its records of a window
        together. A record that fails is rejected with its reason while the rest of the batch goes on; results equal
        :meth:`annotate`'s, record by record.
        """
        iterator = iter(items)
        while window := list(islice(iterator, BATCH)):
            reads: list[_Read | Rejected] = []
            for item in window:
                if isinstance(item, Rejected):
                    reads.append(item)
                    continue
                try:
                    reads.append(self._read(item))
                except FAILURES as error:
                    reads.append(_failed(item, error))
            sentiments = self._sentiments([read for read in reads if isinstance(read, _Read)])
            for read in reads:
                if isinstance(read, Rejected):
                    yield read
                    continue
                outcome = sentiments[id(read)]
                yield outcome if isinstance(outcome, Rejected) else self._finish_or_reject(read, *outcome)

    def _finish_or_reject(self, read: _Read, sentiment: Prediction, model_id: str) -> Annotation | Rejected:
        try:
            return self._finish(read, sentiment, model_id)
        except FAILURES as error:
            return _failed(read.record, error)

    def _sentiments(self, reads: list[_Read]) -> dict[int, tuple[Prediction, str] | Rejected]:
        """Classify ``reads`` with each one's sentiment model, a model's records together; keyed by ``id(read)``.

        When a model fails on its group, its records are classified one by one so that only the failing ones
        are rejected.
        """
        groups: dict[str, tuple[SentimentModel, list[_Read]]] = {}
        for read in reads:
            model = self.sentiment_model(read.lang)
            groups.setdefault(model.model_id, (model, []))[1].append(read)
        outcomes: dict[int, tuple[Prediction, str] | Rejected] = {}
        for model, group in groups.values():
            try:
                predictions = model.predict_batch([r.text for r in group], [r.shared for r in group])
                outcomes.update((id(r), (p, model.model_id)) for r, p in zip(group, predictions, strict=True))
            except FAILURES:
                for read in group:
                    try:
                        (prediction,) = model.predict_batch([read.text], [read.shared])
                        outcomes[id(read)] = (prediction, model.model_id)
                    except FAILURES as error:
                        outcomes[id(read)] = _failed(read.record, error)
        return outcomes
