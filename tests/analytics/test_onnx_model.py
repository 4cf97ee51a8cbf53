"""The ONNX sentiment switch, with a tiny real ONNX graph and a real `tokenizers` tokenizer built here.

The graph embeds each token (a Gather over ``input_ids``), averages the embeddings under ``attention_mask`` and
maps the mean to three logits with a MatMul. Every weight is a small power of two, so every sum is exact in
float32 whatever the batch's padding: a text's result cannot depend on the batch it was classified in.
"""

import hashlib
import json
import math
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.normalizers import Lowercase
from tokenizers.pre_tokenizers import Whitespace

from chancery.cli import main
from chancery_analytics.engine import PipelineConfig, annotate_records
from chancery_analytics.evaluation import onnx_sentiment_evaluate
from chancery_analytics.jsonl import InputRecord, Rejected
from chancery_analytics.nlp.onnx_model import (
    OnnxModelError,
    OnnxSentiment,
    onnx_classifier_load,
    onnx_sentiment_from_env,
    onnx_sentiment_parse,
)
from chancery_analytics.pipeline import Pipeline

VOCAB = ["[PAD]", "[UNK]", "good", "great", "bad", "awful", "meeting", "report", "the"]
# Embedding of each word: which output (0, 1, 2) it pushes. Unknown words and padding weigh nothing.
PUSHES = {"good": 2, "great": 2, "bad": 0, "awful": 0, "meeting": 1, "report": 1}
SCALE = 4.0
BIAS = (0.0, 0.5, 0.0)


def build_model_dir(
    directory, *, labels=("NEGATIVE", "Neutral", "pos"), label_map=None, max_length=None, token_type_ids=False
):
    """Write model.onnx, tokenizer.json and config.json as Optimum exports them; return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    embeddings = np.zeros((len(VOCAB), 3), dtype=np.float32)
    for word, output in PUSHES.items():
        embeddings[VOCAB.index(word), output] = 1.0
    initialisers = [
        numpy_helper.from_array(embeddings, "embeddings"),
        numpy_helper.from_array((SCALE * np.eye(3)).astype(np.float32), "classifier"),
        numpy_helper.from_array(np.array(BIAS, dtype=np.float32), "bias"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis_2"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_1"),
    ]
    nodes = []
    ids = "input_ids"
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
    ]
    if token_type_ids:  # consumed (added to the ids, all zero) so that the runtime insists on being fed it
        inputs.append(helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "sequence"]))
        nodes.append(helper.make_node("Add", ["input_ids", "token_type_ids"], ["typed_ids"]))
        ids = "typed_ids"
    nodes += [
        helper.make_node("Gather", ["embeddings", ids], ["embedded"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask", "axis_2"], ["mask3"]),
        helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_1"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "axis_1"], ["count"], keepdims=0),
        helper.make_node("Div", ["summed", "count"], ["mean"]),
        helper.make_node("MatMul", ["mean", "classifier"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["logits"]),
    ]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])
    graph = helper.make_graph(nodes, "tiny-sentiment", inputs, [output], initialisers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    tokenizer = Tokenizer(WordLevel({word: index for index, word in enumerate(VOCAB)}, unk_token="[UNK]"))
    tokenizer.normalizer = Lowercase()
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(directory / "tokenizer.json"))
    config = {
        "_name_or_path": "/home/someone/exports/tiny-sentiment",
        "model_type": "tiny",
        "id2label": {str(index): label for index, label in enumerate(labels)},
        "pad_token_id": 0,
    }
    if label_map is not None:
        config["chancery_label_map"] = label_map
    if max_length is not None:
        config["max_length"] = max_length
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def expected(words):
    """The softmax the weights dictate for a text of known ``words`` (negative, neutral, positive)."""
    mean = np.zeros(3)
    for word in words:
        if word in PUSHES:
            mean[PUSHES[word]] += 1 / len(words)
    logits = SCALE * mean + np.array(BIAS)
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_model_dir(tmp_path_factory.mktemp("onnx") / "tiny")


@pytest.fixture(scope="module")
def pipeline(model_dir):
    return Pipeline(onnx_sentiment=OnnxSentiment(directory=str(model_dir), langs=("en",)))


def model_id(directory):
    return "onnx:tiny-sentiment@" + hashlib.sha256((directory / "model.onnx").read_bytes()).hexdigest()[:12]


def test_the_pipeline_labels_english_texts_as_the_weights_dictate(pipeline, model_dir):
    cases = {
        "good great meeting good": "positive",
        "the bad report was awful": "negative",
        "the meeting report": "neutral",
        "zebra": "neutral",  # unknown words weigh nothing: the bias decides
    }
    for text, label in cases.items():
        annotation = pipeline.annotate(InputRecord(id=text, text=text, lang="en"))
        probabilities = expected(text.split())
        assert annotation.sentiment == label
        assert annotation.sentiment_score == round(probabilities[2] - probabilities[0], 4)
        assert annotation.models["sentiment"] == model_id(model_dir)


def test_the_model_id_names_the_export_and_hashes_model_onnx(model_dir):
    classifier = onnx_classifier_load(model_dir)
    # A machine path in _name_or_path keeps only its last part; the hash is of model.onnx's bytes.
    assert classifier.model_id == model_id(model_dir)
    assert classifier.config.labels == ("NEGATIVE", "Neutral", "pos")
    assert classifier.config.targets == ("negative", "neutral", "positive")


def test_languages_outside_the_list_keep_the_linear_models(pipeline):
    french = pipeline.annotate(InputRecord(id="fr", text="good good good", lang="fr"))
    vietnamese = pipeline.annotate(InputRecord(id="vi", text="good good good", lang="vi"))
    assert french.models["sentiment"].startswith("sentiment_multi@")
    assert vietnamese.models["sentiment"].startswith("sentiment_vi@")


def test_every_language_with_a_star(model_dir):
    plugged = onnx_sentiment_parse(directory=str(model_dir), langs="*")
    every = Pipeline(onnx_sentiment=plugged)
    annotation = every.annotate(InputRecord(id="vi", text="bad awful", lang="vi"))
    assert annotation.models["sentiment"] == model_id(model_dir)
    assert annotation.sentiment == "negative"


def test_batches_pad_and_give_the_same_result_as_one_text_at_a_time(model_dir):
    classifier = onnx_classifier_load(model_dir, batch_size=3)
    texts = [
        "good",
        "bad bad the the the the the meeting",
        "report",
        "great awful meeting",
        "the good the",
        "awful",
        "x y",
    ]
    one_by_one = [classifier.predict_batch([text])[0] for text in texts]
    assert classifier.predict_batch(texts) == one_by_one
    assert [p.label for p in one_by_one] == [
        "positive",
        "negative",
        "neutral",
        "neutral",
        "positive",
        "negative",
        "neutral",
    ]
    for text, prediction in zip(texts, one_by_one, strict=True):
        assert prediction.scores["positive"] == pytest.approx(expected(text.split())[2], abs=1e-6)


def test_annotate_batch_equals_annotate_across_windows(pipeline):
    records = [
        InputRecord(id=i, text=" ".join(["good"] * (i % 5) + ["bad"] * (i % 3) + ["report"]), lang="en")
        for i in range(45)  # more than one window of the pipeline's batch
    ] + [Rejected(line=46, reason="not valid JSON"), InputRecord(id="fr", text="bad", lang="fr")]
    batched = list(pipeline.annotate_batch(records))
    assert batched[45] == records[45]
    assert [r.to_json() for r in batched if not isinstance(r, Rejected)] == [
        pipeline.annotate(r).to_json() for r in records if isinstance(r, InputRecord)
    ]


def test_a_text_longer_than_max_length_is_truncated(tmp_path):
    short = Pipeline(onnx_sentiment=OnnxSentiment(str(build_model_dir(tmp_path / "short", max_length=4))))
    long = Pipeline(onnx_sentiment=OnnxSentiment(str(build_model_dir(tmp_path / "long"))))
    text = "good good good " + "bad " * 600  # 603 tokens
    record = InputRecord(id=1, text=text, lang="en")
    # Only the first four tokens count (good good good bad): positive; the whole text would be negative.
    truncated = short.annotate(record)
    probabilities = expected(["good", "good", "good", "bad"])
    assert truncated.sentiment == "positive"
    assert truncated.sentiment_score == round(probabilities[2] - probabilities[0], 4)
    assert long.annotate(record).sentiment == "negative"


def test_a_text_without_tokens_is_rejected_alone(pipeline):
    records = [InputRecord(id="empty", text="", lang="en"), InputRecord(id="ok", text="good", lang="en")]
    rejected, annotated = pipeline.annotate_batch(records)
    assert isinstance(rejected, Rejected)
    assert rejected.id == "empty"
    assert rejected.reason == "enrichment failed: ValueError"
    assert annotated.sentiment == "positive"


def test_token_type_ids_are_fed_only_to_a_model_that_declares_them(tmp_path, model_dir):
    typed = onnx_classifier_load(build_model_dir(tmp_path / "typed", token_type_ids=True))
    assert [name for name, _ in typed.inputs] == ["input_ids", "attention_mask", "token_type_ids"]
    assert [name for name, _ in onnx_classifier_load(model_dir).inputs] == ["input_ids", "attention_mask"]
    assert [p.label for p in typed.predict_batch(["awful awful report", "great"])] == ["negative", "positive"]


@pytest.mark.parametrize(
    ("labels", "label_map", "text", "label", "scores"),
    [
        # "good" pushes output 2, which this mapping calls negative.
        (
            ("LABEL_0", "LABEL_1", "LABEL_2"),
            {"LABEL_0": "positive", "LABEL_1": "neutral", "LABEL_2": "negative"},
            "good good",
            "negative",
            lambda p: {"negative": p[2], "neutral": p[1], "positive": p[0]},
        ),
        # Labels mapped onto one class add up; "meeting" pushes output 1, "3 stars".
        (
            ("1 star", "3 stars", "2 stars"),
            {"1 star": "negative", "2 stars": "negative", "3 stars": "positive"},
            "meeting",
            "positive",
            lambda p: {"negative": p[0] + p[2], "positive": p[1]},
        ),
    ],
)
def test_labels_are_mapped_through_config(tmp_path, labels, label_map, text, label, scores):
    directory = build_model_dir(tmp_path / "mapped", labels=labels, label_map=label_map)
    [prediction] = onnx_classifier_load(directory).predict_batch([text])
    assert prediction.label == label
    assert prediction.scores == pytest.approx(scores(expected(text.split())), abs=1e-6)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: (d / "tokenizer.json").unlink(), "tokenizer.json is missing"),
        (lambda d: (d / "model.onnx").write_bytes(b"not a graph"), "onnxruntime cannot load model.onnx"),
        (lambda d: (d / "config.json").write_text("{", encoding="utf-8"), "config.json is not valid JSON"),
        (lambda d: (d / "config.json").write_text("{}", encoding="utf-8"), "no id2label"),
    ],
)
def test_a_broken_directory_is_a_clear_error_at_start(tmp_path, breakage, message):
    directory = build_model_dir(tmp_path / "broken")
    breakage(directory)
    with pytest.raises(OnnxModelError, match=message):
        Pipeline(onnx_sentiment=OnnxSentiment(str(directory)))


def test_a_missing_directory_and_unmapped_labels_are_clear_errors(tmp_path):
    with pytest.raises(OnnxModelError, match="no such directory"):
        Pipeline(onnx_sentiment=OnnxSentiment(str(tmp_path / "absent")))
    unmapped = build_model_dir(tmp_path / "unmapped", labels=("LABEL_0", "LABEL_1", "LABEL_2"))
    with pytest.raises(OnnxModelError, match=r"'LABEL_0' is not negative, neutral or positive.*chancery_label_map"):
        onnx_classifier_load(unmapped)


def test_a_missing_runtime_is_a_clear_error(model_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now raises ImportError
    with pytest.raises(OnnxModelError, match=r"pip install 'chancery\[onnx\]' \(onnxruntime is missing\)"):
        Pipeline(onnx_sentiment=OnnxSentiment(str(model_dir)))


def test_the_switch_reads_the_environment(model_dir, monkeypatch):
    monkeypatch.delenv("CHANCERY_INTEL_ONNX_SENTIMENT_DIR", raising=False)
    assert onnx_sentiment_from_env() is None
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_DIR", str(model_dir))
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_LANGS", " EN, fr ,")
    assert PipelineConfig.default().onnx_sentiment == OnnxSentiment(str(model_dir), ("en", "fr"))
    monkeypatch.delenv("CHANCERY_INTEL_ONNX_SENTIMENT_LANGS")
    monkeypatch.chdir(model_dir.parent)
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_DIR", model_dir.name)  # relative: made absolute for workers
    assert onnx_sentiment_from_env() == OnnxSentiment(str(model_dir), ("en",))
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_LANGS", "en,english")
    with pytest.raises(OnnxModelError, match="CHANCERY_INTEL_ONNX_SENTIMENT_LANGS: english is not an ISO 639-1"):
        onnx_sentiment_from_env()


def test_the_process_pool_gives_the_in_process_results(model_dir):
    config = PipelineConfig(
        models_dir=PipelineConfig.default().models_dir, onnx_sentiment=OnnxSentiment(str(model_dir), ("en",))
    )
    records = [
        InputRecord(id=i, text=" ".join(["great"] * (i % 4) + ["awful"] * (i % 3) + ["the meeting"]), lang="en")
        for i in range(20)
    ] + [InputRecord(id="vi", text="Việt Nam phản đối mạnh mẽ.", lang="vi")]
    inline = [r.to_json() for r in annotate_records(records, workers=1, config=config)]
    pooled = [r.to_json() for r in annotate_records(records, workers=2, chunk_size=3, config=config)]
    assert pooled == inline
    assert {row["models"]["sentiment"] for row in inline[:-1]} == {model_id(model_dir)}
    assert inline[-1]["models"]["sentiment"].startswith("sentiment_vi@")


def test_annotate_refuses_a_bad_directory_before_writing(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "good"}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_DIR", str(tmp_path / "absent"))
    assert main(["intel", "annotate", str(source), "-o", str(target), "--workers", "2"]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert not target.exists()


def test_annotate_uses_the_plugged_model(tmp_path, model_dir, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "awful awful report", "lang": "en"}\n', encoding="utf-8")
    monkeypatch.setenv("CHANCERY_INTEL_ONNX_SENTIMENT_DIR", str(model_dir))
    assert main(["intel", "annotate", str(source), "--workers", "1"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["sentiment"] == "negative"
    assert row["models"]["sentiment"] == model_id(model_dir)


def _tweets(tmp_path):
    data = tmp_path / "data"
    (data / "umsab").mkdir(parents=True)
    (data / "tweeteval").mkdir()
    rows = [("good day", "positive"), ("awful bad", "negative"), ("the report", "neutral"), ("great", "negative")]
    lines = [json.dumps({"text": text, "label": label, "lang": "en"}) for text, label in rows]
    (data / "umsab" / "train.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (data / "umsab" / "val.jsonl").write_text(lines[2] + "\n", encoding="utf-8")
    (data / "tweeteval" / "sentiment_val.jsonl").write_text(lines[3] + "\n", encoding="utf-8")
    return data


def test_eval_scores_the_plugged_model_on_every_english_tweet(tmp_path, model_dir):
    metrics = onnx_sentiment_evaluate(_tweets(tmp_path), model_dir)
    assert metrics["n"] == 4
    assert metrics["accuracy"] == 0.75  # "great" is labelled negative in this data
    assert metrics["recall_per_label"] == {"negative": 0.5, "neutral": 1.0, "positive": 1.0}
    assert metrics["protocol"] == "pretrained model, no training on this data"
    assert metrics["model"] == model_id(model_dir)
    assert metrics["meets_floor"] is (metrics["macro_recall"] >= 0.66)


def test_eval_command_with_onnx_sentiment(tmp_path, model_dir, capsys):
    report = tmp_path / "metrics.json"
    data = _tweets(tmp_path)
    assert main(["intel", "eval", "--data", str(data), "--onnx-sentiment", str(model_dir), "--json", str(report)]) == 0
    assert list(json.loads(report.read_text(encoding="utf-8"))) == ["sentiment_en_onnx"]
    assert main(["intel", "eval", "--data", str(data), "--onnx-sentiment", str(tmp_path / "absent")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_chancery_check_reports_the_plugged_model(settings, model_dir, tmp_path):
    from chancery.intelligence.deployment_checks import check_onnx_sentiment

    settings.INTEL_ONNX_SENTIMENT_DIR = ""
    assert check_onnx_sentiment().passed
    settings.INTEL_ONNX_SENTIMENT_DIR = str(model_dir)
    settings.INTEL_ONNX_SENTIMENT_LANGS = "en,vi"
    item = check_onnx_sentiment()
    assert item.passed
    assert item.detail == f"{model_id(model_dir)} for en, vi."
    settings.INTEL_ONNX_SENTIMENT_DIR = str(tmp_path / "absent")
    item = check_onnx_sentiment()
    assert not item.passed
    assert item.detail.startswith("CHANCERY_INTEL_ONNX_SENTIMENT_DIR: ONNX model directory")
    assert "no such directory" in item.detail


def test_softmax_scores_sum_to_one(model_dir):
    [prediction] = onnx_classifier_load(model_dir).predict_batch(["good bad meeting the"])
    assert math.isclose(sum(prediction.scores.values()), 1.0, rel_tol=1e-9)


def test_the_default_pipeline_needs_neither_onnxruntime_nor_tokenizers():
    # The default install has no onnx extra: both are blocked, and the linear pipeline still works.
    code = (
        "import sys; sys.modules['onnxruntime'] = sys.modules['tokenizers'] = None\n"
        "from chancery_analytics.jsonl import InputRecord\n"
        "from chancery_analytics.pipeline import Pipeline\n"
        "record = InputRecord(id=1, text='bad bad', lang='en')\n"
        "print(Pipeline(onnx_sentiment=None).annotate(record).models['sentiment'])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("sentiment_en@")
