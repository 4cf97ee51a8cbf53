"""A deployment's own transformer for sentiment: a local directory in Hugging Face Optimum's ONNX layout.

Nothing here runs unless a deployment asks for it (``CHANCERY_INTEL_ONNX_SENTIMENT_DIR``): the default install
ships no third-party weights, and ``onnxruntime`` and ``tokenizers`` come with the optional extra
``chancery[onnx]`` and are imported only when a model is loaded. The directory holds what
``optimum-cli export onnx --task text-classification`` writes:

- ``model.onnx``: a sequence classifier taking ``input_ids`` (and ``attention_mask``, ``token_type_ids`` when it
  declares them) and returning logits of shape ``[batch, labels]``;
- ``tokenizer.json``: the ``tokenizers`` library's format;
- ``config.json``: ``id2label`` (and optionally ``max_length``, ``_name_or_path``, ``model_type`` and
  ``chancery_label_map``, the mapping of the model's labels onto negative / neutral / positive).

See docs/models/onnx.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.linear import Prediction

ENV_DIR = "CHANCERY_INTEL_ONNX_SENTIMENT_DIR"
ENV_LANGS = "CHANCERY_INTEL_ONNX_SENTIMENT_LANGS"
EVERY_LANGUAGE = "*"
SENTIMENT_LABELS = ("negative", "neutral", "positive")
# Label spellings read without a mapping (compared case-folded and stripped).
LABEL_ALIASES = {
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
}
LABEL_MAP_KEY = "chancery_label_map"
DEFAULT_MAX_LENGTH = 512
LARGEST_MAX_LENGTH = 1_000_000  # tokenizer_config.json says "no limit" with a huge sentinel (1e30)
BATCH_SIZE = 32
INPUTS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
INPUT_TYPES: dict[str, type[np.signedinteger[Any]]] = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}
_LANGUAGE_CODE = re.compile(r"[a-z]{2}|und")


class OnnxModelError(ValueError):
    """A plugged ONNX model cannot be used: its setting, directory, files or runtime (the message says which)."""


@dataclass(frozen=True, slots=True)
class OnnxSentiment:
    """The switch: which directory holds the model and which languages' sentiment it serves (``*``: all)."""

    directory: str
    langs: tuple[str, ...] = ("en",)

    def serves(self, lang: str) -> bool:
        """Return whether the plugged model, rather than a linear one, classifies text in ``lang``."""
        return EVERY_LANGUAGE in self.langs or lang in self.langs


def onnx_sentiment_parse(*, directory: str, langs: str = "en") -> OnnxSentiment | None:
    """Read the two settings: None when ``directory`` is empty (the switch is off).

    ``langs`` is a comma list of ISO 639-1 codes (``und`` too), or ``*``; empty means ``en``. Raises
    :class:`OnnxModelError` naming the setting for a code it cannot read. Does not look at the directory, but
    makes it absolute (workers on another engine may not share this process's working directory).
    """
    if not directory.strip():
        return None
    directory = str(Path(directory.strip()).expanduser().absolute())
    codes = {code.strip().lower() for code in langs.split(",") if code.strip()} or {"en"}
    if EVERY_LANGUAGE in codes:
        return OnnxSentiment(directory=directory, langs=(EVERY_LANGUAGE,))
    wrong = sorted(code for code in codes if not _LANGUAGE_CODE.fullmatch(code))
    if wrong:
        msg = f"{ENV_LANGS}: {', '.join(wrong)} is not an ISO 639-1 code (two letters), 'und' or '*'"
        raise OnnxModelError(msg)
    return OnnxSentiment(directory=directory, langs=tuple(sorted(codes)))


def onnx_sentiment_from_env() -> OnnxSentiment | None:
    """Return the switch as ``CHANCERY_INTEL_ONNX_SENTIMENT_DIR`` and ``…_LANGS`` set it (None when off)."""
    return onnx_sentiment_parse(directory=os.environ.get(ENV_DIR, ""), langs=os.environ.get(ENV_LANGS, ""))


@dataclass(frozen=True, slots=True)
class OnnxModelConfig:
    """What ``config.json`` (and ``tokenizer_config.json``) say: name, labels and their mapping, max length."""

    directory: Path
    name: str
    labels: tuple[str, ...]  # the model's own label of each output, by index
    targets: tuple[str, ...]  # the pipeline's label (negative / neutral / positive) of each output
    max_length: int
    pad_id: int = 0  # config.json's pad_token_id, used when tokenizer.json sets no padding


def _fail(directory: Path, problem: str) -> OnnxModelError:
    return OnnxModelError(f"ONNX model directory {directory}: {problem}")


def _read_json(directory: Path, name: str) -> dict[str, Any]:
    try:
        value = json.loads((directory / name).read_text(encoding="utf-8"))
    except OSError as error:
        raise _fail(directory, f"cannot read {name} ({error.strerror})") from error
    except ValueError as error:
        raise _fail(directory, f"{name} is not valid JSON ({error})") from error
    if not isinstance(value, dict):
        raise _fail(directory, f"{name} is not a JSON object")
    return value


def _labels(directory: Path, config: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or len(id2label) < 2:
        raise _fail(directory, "config.json has no id2label with at least two labels")
    try:
        by_index = {int(key): str(value) for key, value in id2label.items()}
    except ValueError as error:
        raise _fail(directory, "config.json: id2label's keys must be output indices (0, 1, …)") from error
    if sorted(by_index) != list(range(len(by_index))):
        raise _fail(directory, "config.json: id2label must number the outputs 0 to n-1")
    labels = tuple(by_index[index] for index in range(len(by_index)))
    mapping = config.get(LABEL_MAP_KEY, {})
    if not isinstance(mapping, dict) or set(mapping) - set(labels):
        raise _fail(directory, f"config.json: {LABEL_MAP_KEY} must map labels of id2label ({', '.join(labels)})")
    targets = []
    for label in labels:
        target = str(mapping[label]) if label in mapping else LABEL_ALIASES.get(label.strip().casefold(), "")
        if target not in SENTIMENT_LABELS:
            problem = (
                f"label {label!r} is not negative, neutral or positive; map every label in config.json, e.g. "
                f'"{LABEL_MAP_KEY}": {{"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"}}'
            )
            raise _fail(directory, problem)
        targets.append(target)
    return labels, tuple(targets)


def _max_length(directory: Path, config: dict[str, Any]) -> int:
    value = config.get("max_length")
    if value is None and (directory / "tokenizer_config.json").is_file():
        declared = _read_json(directory, "tokenizer_config.json").get("model_max_length")
        value = declared if isinstance(declared, int) and declared < LARGEST_MAX_LENGTH else None
    if value is None:
        return DEFAULT_MAX_LENGTH
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _fail(directory, "config.json: max_length must be a positive number of tokens")
    return value


def _name(directory: Path, config: dict[str, Any]) -> str:
    declared = str(config.get("_name_or_path") or config.get("model_type") or "").strip()
    if declared.startswith(("/", "~", ".")) or "\\" in declared or ":" in declared:
        declared = PurePosixPath(declared.replace("\\", "/")).name  # a machine's path: keep its last part only
    return declared or directory.resolve().name


def onnx_config_read(directory: Path) -> OnnxModelConfig:
    """Check that ``directory`` holds the three files and read its configuration (no model is loaded).

    Raises :class:`OnnxModelError` saying what is missing or wrong.
    """
    if not directory.is_dir():
        raise _fail(directory, "no such directory")
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        if not (directory / name).is_file():
            raise _fail(directory, f"{name} is missing (export with optimum-cli, see docs/models/onnx.md)")
    config = _read_json(directory, "config.json")
    labels, targets = _labels(directory, config)
    pad = config.get("pad_token_id")
    return OnnxModelConfig(
        directory=directory,
        name=_name(directory, config),
        labels=labels,
        targets=targets,
        max_length=_max_length(directory, config),
        pad_id=pad if isinstance(pad, int) and not isinstance(pad, bool) and pad >= 0 else 0,
    )


def _runtime() -> tuple[Any, Any]:
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        msg = f"an ONNX model needs the optional extra: pip install 'chancery[onnx]' ({error.name} is missing)"
        raise OnnxModelError(msg) from error
    return onnxruntime, Tokenizer


def onnx_sentiment_check(plugged: OnnxSentiment) -> OnnxModelConfig:
    """Check the switch without loading the model: its directory's files and configuration, and the runtime.

    Cheap enough for a process that only hands the work to others; raises :class:`OnnxModelError`.
    """
    config = onnx_config_read(Path(plugged.directory))
    _runtime()
    return config


def _digest(path: Path) -> str:
    sha256 = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha256.update(block)
    return sha256.hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class OnnxTextClassifier:
    """A sequence classifier run by onnxruntime over ``tokenizers`` encodings, in batches.

    Offers what the pipeline asks of a sentiment model (:class:`chancery_analytics.pipeline.SentimentModel`):
    ``model_id`` and ``predict_batch``. Build it with :func:`onnx_classifier_load`.
    """

    config: OnnxModelConfig
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer, truncating to max_length and padding to each batch's longest text
    inputs: tuple[tuple[str, type[np.signedinteger[Any]]], ...]  # the graph's declared inputs and their types
    output: str
    digest: str
    batch_size: int = BATCH_SIZE

    @property
    def model_id(self) -> str:
        """Return ``onnx:<name>@<first 12 hex digits of model.onnx's SHA-256>``, recorded with every result."""
        return f"onnx:{self.config.name}@{self.digest}"

    def _probabilities(self, texts: list[str]) -> npt.NDArray[np.float64]:
        encodings = self.tokenizer.encode_batch(texts)
        if any(sum(encoding.attention_mask) == 0 for encoding in encodings):
            msg = "a text has no tokens"
            raise ValueError(msg)
        feeds = {
            name: np.array([getattr(encoding, INPUTS[name]) for encoding in encodings], dtype=dtype)
            for name, dtype in self.inputs
        }
        logits = np.asarray(self.session.run([self.output], feeds)[0], dtype=np.float64)
        if logits.shape != (len(texts), len(self.config.labels)):
            msg = f"the model returned logits of shape {logits.shape}, not ({len(texts)}, {len(self.config.labels)})"
            raise ValueError(msg)
        if not np.isfinite(logits).all():
            msg = "the model returned non-finite logits"
            raise ValueError(msg)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result

    def _prediction(self, probabilities: npt.NDArray[np.float64]) -> Prediction:
        scores = dict.fromkeys((label for label in SENTIMENT_LABELS if label in self.config.targets), 0.0)
        for target, probability in zip(self.config.targets, probabilities, strict=True):
            scores[target] += float(probability)  # labels mapped onto one class add up (e.g. 1 and 2 stars)
        label = max(scores, key=scores.__getitem__)
        return Prediction(label=label, score=round(scores[label], 4), scores=scores)

    def predict_batch(self, texts: Sequence[str], shared: Sequence[TextCounts] | None = None) -> list[Prediction]:
        """Classify ``texts`` in batches of :attr:`batch_size`; one :class:`Prediction` per text, in order.

        Texts longer than the model's max length are truncated; ``shared`` is not used (the model has its own
        tokenizer). Raises ValueError when a text has no tokens or the model returns unusable logits.
        """
        predictions: list[Prediction] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            predictions.extend(self._prediction(row) for row in self._probabilities(batch))
        return predictions


def _graph_inputs(directory: Path, session: Any) -> tuple[tuple[str, type[np.signedinteger[Any]]], ...]:
    declared = {node.name: node.type for node in session.get_inputs()}
    unknown = sorted(set(declared) - set(INPUTS))
    if "input_ids" not in declared or unknown:
        problem = f"model.onnx takes {', '.join(sorted(declared))}; a text classifier takes input_ids"
        raise _fail(directory, problem + " and optionally attention_mask and token_type_ids")
    wrong = sorted(name for name, kind in declared.items() if kind not in INPUT_TYPES)
    if wrong:
        raise _fail(directory, f"model.onnx input {wrong[0]} is {declared[wrong[0]]}, not an integer tensor")
    return tuple((name, INPUT_TYPES[declared[name]]) for name in INPUTS if name in declared)


def _graph_output(directory: Path, session: Any, labels: int) -> str:
    outputs = {node.name: node.shape for node in session.get_outputs()}
    name = "logits" if "logits" in outputs else next(iter(outputs))
    shape = outputs[name]
    if len(shape) != 2 or (isinstance(shape[1], int) and shape[1] != labels):
        problem = f"model.onnx output {name} has shape {shape}; expected [batch, {labels}] as id2label has {labels}"
        raise _fail(directory, problem)
    return name


def onnx_classifier_load(directory: Path, *, batch_size: int = BATCH_SIZE) -> OnnxTextClassifier:
    """Load the classifier in ``directory`` (see the module's docstring for the layout) on the CPU.

    Checks the files, the configuration, the runtime and the graph's inputs and output; raises
    :class:`OnnxModelError` naming what is wrong. Reads model.onnx once more to record its SHA-256.
    """
    config = onnx_config_read(directory)
    onnxruntime, tokenizer_class = _runtime()
    try:
        session = onnxruntime.InferenceSession(str(directory / "model.onnx"), providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime's errors derive from Exception only
        raise _fail(directory, f"onnxruntime cannot load model.onnx ({type(error).__name__}: {error})") from error
    try:
        tokenizer = tokenizer_class.from_file(str(directory / "tokenizer.json"))
    except Exception as error:  # tokenizers raises its own Exception for a malformed file
        raise _fail(directory, f"tokenizer.json cannot be read ({error})") from error
    tokenizer.enable_truncation(config.max_length)
    pad_id = tokenizer.padding["pad_id"] if tokenizer.padding else config.pad_id
    tokenizer.enable_padding(pad_id=pad_id, pad_token=tokenizer.id_to_token(pad_id) or "[PAD]")
    return OnnxTextClassifier(
        config=config,
        session=session,
        tokenizer=tokenizer,
        inputs=_graph_inputs(directory, session),
        output=_graph_output(directory, session, len(config.labels)),
        digest=_digest(directory / "model.onnx"),
        batch_size=batch_size,
    )
