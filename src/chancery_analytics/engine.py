"""Running the pipeline over many records: in-process, on a local process pool (default), or on Ray.

Every engine runs the same pure function, :func:`annotate_chunk`, over chunks of records in input order, so
the results are identical whichever engine ran them. Ray is an optional extra (``pip install chancery[ray]``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from chancery_analytics.jsonl import InputRecord, Rejected
from chancery_analytics.nlp.entities import Entity
from chancery_analytics.nlp.onnx_model import OnnxSentiment, onnx_sentiment_check, onnx_sentiment_from_env
from chancery_analytics.pipeline import Annotation, Pipeline, models_dir_default

ENGINES = ("process", "ray")
CHUNK = 64

Item = InputRecord | Rejected
Result = Annotation | Rejected


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """What a worker needs to build the same :class:`Pipeline`: models directory, extra entities, ONNX switch.

    Workers never read the environment: whatever this process decided travels with the configuration.
    """

    models_dir: str
    extra_entities: tuple[Entity, ...] = ()
    onnx_sentiment: OnnxSentiment | None = None

    @classmethod
    def default(cls) -> PipelineConfig:
        """Return the configuration of ``Pipeline()`` in this process.

        Honours ``CHANCERY_ANALYTICS_MODELS`` and ``CHANCERY_INTEL_ONNX_SENTIMENT_DIR``/``…_LANGS`` (raises
        ``OnnxModelError`` for languages it cannot read).
        """
        return cls(models_dir=str(models_dir_default()), onnx_sentiment=onnx_sentiment_from_env())


@cache
def _pipeline(config: PipelineConfig) -> Pipeline:
    return Pipeline(
        models_dir=Path(config.models_dir),
        extra_entities=config.extra_entities,
        onnx_sentiment=config.onnx_sentiment,
    )


def annotate_chunk(items: list[Item], config: PipelineConfig) -> list[Result]:
    """Annotate one chunk in order with the pipeline ``config`` describes (built once per worker process).

    Needs picklable items; emits one result per item (rejected input passes through).
    """
    return list(_pipeline(config).annotate_batch(items))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _process(chunks: Iterator[list[Item]], config: PipelineConfig, workers: int) -> Iterator[Result]:
    if workers <= 1:
        for chunk in chunks:
            yield from annotate_chunk(chunk, config)
        return
    # forkserver: no fork of a threaded parent; workers import this module and build the pipeline once.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pending: deque[Future[list[Result]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(annotate_chunk, chunk, config))
            if len(pending) >= 2 * workers:  # bounded look-ahead: memory stays flat on huge inputs
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _ray(chunks: Iterator[list[Item]], config: PipelineConfig, workers: int) -> Iterator[Result]:
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("the Ray engine needs the optional extra: pip install 'chancery[ray]'") from error
    if not ray.is_initialized():
        ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
    remote: Any = ray.remote(annotate_chunk)
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(remote.remote(chunk, config))
        if len(pending) >= 2 * max(1, workers):
            yield from ray.get(pending.popleft())
    while pending:
        yield from ray.get(pending.popleft())


def annotate_records(
    items: Iterable[Item],
    *,
    engine: str = "process",
    workers: int | None = None,
    config: PipelineConfig | None = None,
    chunk_size: int = CHUNK,
) -> Iterator[Result]:
    """Annotate ``items`` in input order on ``engine`` ("process" or "ray") with ``workers`` processes.

    ``workers`` defaults to the number of CPUs (1 means in this process). The Ray engine joins a running Ray
    instance or starts a local one with ``workers`` CPUs. Emits one result per item, lazily. A plugged ONNX
    model's directory and runtime are checked here, before any work is handed out (``OnnxModelError``).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: one of {', '.join(ENGINES)}")
    config = config or PipelineConfig.default()
    if config.onnx_sentiment is not None:
        onnx_sentiment_check(config.onnx_sentiment)
    count = workers if workers is not None else (os.cpu_count() or 1)
    chunks = _chunks(items, chunk_size)
    if engine == "ray":
        return _ray(chunks, config, count)
    return _process(chunks, config, count)
