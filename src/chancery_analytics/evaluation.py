"""``chancery intel eval``: every enrichment task's metrics on the development data, as in the model cards."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chancery_analytics.nlp.countries import countries_tag
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.topic import topic_classify

TOPIC_EVAL = Path(__file__).resolve().parent / "evaluation_data" / "topic_eval.jsonl"

FLOORS = {
    "langid": ("accuracy_en_vi", 0.99),
    "countries": ("micro_f1_about", 0.80),
    "sentiment_vi": ("weighted_f1", 0.91),
    "sentiment_en": ("macro_recall", 0.66),
    "event": ("macro_f1", 0.86),
    "political": ("f1:politics", 0.97),
}


def _micro(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def countries_evaluate(data: Path) -> dict[str, Any]:
    """Micro precision/recall/F1 of ``countries_about`` and ``countries`` against Reuters PLACES (ISO-3)."""
    from chancery_analytics.training.common import read_jsonl

    about: list[tuple[set[str], set[str]]] = []
    mentioned: list[tuple[set[str], set[str]]] = []
    for row in read_jsonl(data / "reuters21578" / "train.jsonl"):
        tags = countries_tag(normalise_text(row["text"]))
        gold = set(row["places_iso3"])
        about.append((set(tags.about), gold))
        mentioned.append((set(tags.countries), gold))
    a, m = _micro(about), _micro(mentioned)
    return {
        "n": len(about),
        "micro_f1_about": a["f1"],
        "precision_about": a["precision"],
        "recall_about": a["recall"],
        "micro_f1_countries": m["f1"],
        "protocol": "rules, no fitting: all of reuters21578 train",
    }


def topic_evaluate(path: Path = TOPIC_EVAL) -> dict[str, Any]:
    """Accuracy of the topic lexicon on the hand-labelled evaluation file, overall and per language."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result: dict[str, Any] = {"n": len(rows), "protocol": "hand-labelled file, lexicon written without it"}
    for lang in ("all", "en", "vi"):
        chosen = [r for r in rows if lang in {"all", r["lang"]}]
        hits = sum(topic_classify(normalise_text(r["text"])).topic == r["topic"] for r in chosen)
        result[f"accuracy_{lang}"] = round(hits / len(chosen), 4) if chosen else 0.0
    return result


def onnx_sentiment_evaluate(data: Path, directory: Path) -> dict[str, Any]:
    """Score the ONNX sentiment model in ``directory`` on every scored English tweet of ``sentiment_en``.

    The model is used as it is (no fitting on this data), so all 2,409 tweets are scored at once; the metrics
    and floor are those of ``sentiment_en``. Needs scikit-learn for the metrics and the ``onnx`` extra; raises
    ``OnnxModelError`` when the directory cannot be used.
    """
    from chancery_analytics.nlp.onnx_model import onnx_classifier_load
    from chancery_analytics.training.tasks import _scores, english_tweets  # sentiment_en's data and metrics

    model = onnx_classifier_load(directory)
    corpus = english_tweets(data)
    predicted = [prediction.label for prediction in model.predict_batch(corpus.texts)]
    metric, floor = FLOORS["sentiment_en"]
    result = _scores(
        metric,
        corpus.labels,
        predicted,
        {"protocol": "pretrained model, no training on this data", "model": model.model_id},
    )
    return result | {"floor": f"{metric} ≥ {floor}", "meets_floor": result[metric] >= floor}


def tasks_evaluate(data: Path, *, only: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return ``{task: metrics}`` for every task (or those in ``only``).

    Learned tasks are refitted as in the model cards (dev split where one exists, else stratified 5-fold
    CV), which needs scikit-learn.
    """
    from chancery_analytics.training.tasks import TASKS, task_evaluate

    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "countries": lambda: countries_evaluate(data),
        "topic": topic_evaluate,
    }
    for name, task in TASKS.items():
        runners[name] = lambda task=task: task_evaluate(task, data)  # type: ignore[misc]
    results: dict[str, dict[str, Any]] = {}
    for name in [
        "langid",
        "countries",
        "sentiment_vi",
        "sentiment_en",
        "sentiment_multi",
        "event",
        "political",
        "topic",
    ]:
        if only and name not in only:
            continue
        results[name] = runners[name]()
        if name in FLOORS:
            metric, floor = FLOORS[name]
            results[name]["floor"] = f"{metric} ≥ {floor}"
            results[name]["meets_floor"] = results[name].get(metric, 0.0) >= floor
    return results
