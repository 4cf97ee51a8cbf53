import pytest

from chancery_analytics.engine import PipelineConfig, annotate_chunk, annotate_records
from chancery_analytics.jsonl import InputRecord, Rejected
from chancery_analytics.nlp.entities import Entity

RECORDS = [
    InputRecord(id=1, text="Japan and Vietnam signed a trade agreement in Hanoi; Wang Yi welcomed it."),
    Rejected(line=2, reason="not valid JSON"),
    InputRecord(id="vi", text="Trung Quốc triển khai tàu trên Biển Đông, Việt Nam phản đối. Tô Lâm phát biểu."),
    InputRecord(id=4, text="I love this so much, best day ever!!"),
    InputRecord(id=5, text="Les ministres de l'ASEAN se réunissent à Paris.", lang="fr"),
] + [InputRecord(id=100 + i, text=f"Report {i}: Russia and Ukraine talks at the UN, round {i}.") for i in range(9)]


def as_json(results):
    return [r.to_json() if not isinstance(r, Rejected) else r for r in results]


@pytest.fixture(scope="module")
def inline():
    return as_json(annotate_records(RECORDS, workers=1))


def test_inline_results_follow_input_order_and_pass_rejects_through(inline):
    assert len(inline) == len(RECORDS)
    assert inline[1] == RECORDS[1]
    assert [r["id"] for r in inline if isinstance(r, dict)] == [1, "vi", 4, 5] + [100 + i for i in range(9)]
    assert inline[0]["people"] == ["Wang Yi"]


def test_process_pool_gives_identical_results(inline):
    assert as_json(annotate_records(RECORDS, engine="process", workers=2, chunk_size=3)) == inline


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        annotate_records(RECORDS, engine="spark")


def test_extra_entities_travel_to_the_workers():
    config = PipelineConfig(
        models_dir=PipelineConfig.default().models_dir,
        extra_entities=(Entity(id="Report Desk", kind="organisation", aliases=("Report",)),),
    )
    results = list(annotate_records(RECORDS[-2:], workers=2, chunk_size=1, config=config))
    assert all(r.organisations == ["Report Desk", "UN"] for r in results)
    assert annotate_chunk([RECORDS[0]], config)[0].models["entities"].endswith("+1")


def _ray_start(ray):
    # A raylet gives its agent about 15 s to start; on a loaded machine with a cold bytecode cache the first
    # start can miss that window (the agent's imports then leave .pyc files behind), so try up to three times.
    for attempt in range(3):
        try:
            ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
        except Exception:
            ray.shutdown()
            if attempt == 2:
                raise
        else:
            return


def test_ray_engine_gives_identical_results(inline):
    import ray

    _ray_start(ray)
    try:
        assert ray.is_initialized()
        assert as_json(annotate_records(RECORDS, engine="ray", workers=1, chunk_size=4)) == inline
    finally:
        ray.shutdown()
