"""Class-prior adjustment chosen by an inner cross-validation (training.tasks, ``tune_bias``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from chancery_analytics.nlp.features import FeatureSpec
from chancery_analytics.training import tasks

POSITIVE = ["great lovely day", "so happy love it", "wonderful result", "happy great news", "love this lovely"]
NEGATIVE = ["terrible awful day", "hate it so much", "awful sad news", "terrible hate this", "sad awful result"]
NEUTRAL = ["the meeting is at noon", "report published today", "the talks start monday", "noon meeting today"]


def _task(*, tune: bool, metric: str = "macro_recall") -> tasks.Task:
    def load(_data: object) -> tasks.Corpus:
        texts = (POSITIVE + NEGATIVE + NEUTRAL) * 3
        labels = (["positive"] * 5 + ["negative"] * 5 + ["neutral"] * 4) * 3
        return tasks.Corpus(
            texts, labels, extra_texts=["happy happy", "awful awful"], extra_labels=["positive", "negative"]
        )

    return tasks.Task(
        name="t",
        spec=FeatureSpec(n_features=1 << 12, word_ngrams=1),
        c=1.0,
        train=load,
        dev=None,
        metric=metric,
        estimator="nblr",
        class_weight="balanced",
        tune_bias=tune,
    )


def test_offsets_start_at_the_first_class_and_stay_on_the_grid(tmp_path):
    task = _task(tune=True)
    corpus = task.train(tmp_path)
    texts, labels = corpus.texts + corpus.extra_texts, corpus.labels + corpus.extra_labels
    offsets = tasks._bias_offsets(task, texts, labels, len(corpus.extra_texts))
    assert offsets.shape == (3,)
    assert offsets[0] == 0.0
    assert all(np.isclose(tasks.BIAS_GRID, value).any() for value in offsets)


def test_tuned_model_records_its_offsets_and_the_bias_moves_by_them(tmp_path):
    plain = tasks.task_train(_task(tune=False), tmp_path)
    tuned = tasks.task_train(_task(tune=True), tmp_path)
    offsets = np.asarray(tuned.meta["bias_offsets"])
    assert "bias_offsets" not in plain.meta
    assert np.allclose(tuned.bias - plain.bias, offsets, atol=1e-3)
    assert tuned.predict("so happy, lovely").label == "positive"


def test_cross_validation_with_tuning_is_nested_and_scores_every_text(tmp_path):
    result = tasks.task_evaluate(_task(tune=True), tmp_path)
    assert result["n"] == 42
    assert 0.0 <= result["macro_recall"] <= 1.0


def test_metric_value_is_macro_recall_or_macro_f1():
    truth = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])
    assert tasks._metric_value("macro_recall", truth, predicted, 3) == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert tasks._metric_value("macro_f1", truth, predicted, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    with pytest.raises(ValueError, match="bias tuning"):
        tasks._metric_value("accuracy", truth, predicted, 3)


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def test_vietnamese_extra_data_is_deduplicated_and_keeps_demo_topics_out(tmp_path):
    _write(tmp_path / "uit-vsfc/train.jsonl", [{"text": "giảng viên nhiệt tình .", "label": "positive"}])
    _write(
        tmp_path / "uit-vsmec/train.jsonl",
        [
            {"text": "Giảng viên  nhiệt tình .", "label": "Enjoyment"},  # the scored sentence again: dropped
            {"text": "cho mình hỏi bài này tên gì", "label": "Other"},
            {"text": "bất ngờ quá", "label": "Surprise"},  # no polarity: dropped
        ],
    )
    _write(tmp_path / "uit-vsmec/valid.jsonl", [{"text": "buồn quá đi thôi", "label": "Sadness"}])
    _write(
        tmp_path / "vntc/train_sample.jsonl",
        [
            {
                "text": "Đội tuyển thắng trận giao hữu tối qua\nHai đội thi đấu trên sân Mỹ Đình. Câu ba.",
                "label": "sports",
            },
            {"text": "Hội nghị thượng đỉnh khai mạc tại Hà Nội\nCác nhà lãnh đạo dự họp.", "label": "world"},
        ],
    )
    corpus = tasks.vsfc_with_extra(tmp_path)
    assert corpus.texts == ["giảng viên nhiệt tình ."]
    pairs = sorted(zip(corpus.extra_texts, corpus.extra_labels, strict=True))
    assert pairs == sorted(
        [
            ("cho mình hỏi bài này tên gì", "neutral"),
            ("buồn quá đi thôi", "negative"),
            ("Đội tuyển thắng trận giao hữu tối qua", "neutral"),
            ("Hai đội thi đấu trên sân Mỹ Đình.", "neutral"),
        ]
    )
