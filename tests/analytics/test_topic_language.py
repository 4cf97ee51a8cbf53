import json

import pytest

from chancery_analytics.evaluation import TOPIC_EVAL
from chancery_analytics.nlp.language import language_identify
from chancery_analytics.nlp.linear import model_load
from chancery_analytics.nlp.topic import DEFAULT_TOPIC, TOPICS, topic_classify

LANGID = model_load("langid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister said the talks were constructive.", "en"),
        ("Bộ trưởng cho biết cuộc hội đàm rất thiết thực.", "vi"),
        ("Le ministre a déclaré que les discussions étaient constructives.", "fr"),
        ("外交部发言人表示", "zh"),
        ("Министр заявил", "ru"),
        ("12345 !!!", "und"),
    ],
)
def test_language_identification(text, expected):
    assert language_identify(text, LANGID).lang == expected


def test_topic_examples_in_both_languages():
    assert topic_classify("Typhoon kills 20 as floods hit the coast").topic == "disasters"
    assert topic_classify("Bão lũ làm 20 người chết ở miền Trung").topic == "disasters"
    assert topic_classify("Hackers breached the ministry's network in a cyberattack").topic == "technology_cyber"
    assert topic_classify("Nothing here at all").topic == DEFAULT_TOPIC


def test_topic_evaluation_file_is_bilingual_and_large_enough():
    rows = [json.loads(line) for line in TOPIC_EVAL.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    assert {row["lang"] for row in rows} == {"en", "vi"}
    assert min(sum(r["lang"] == lang for r in rows) for lang in ("en", "vi")) >= 150
    assert {row["topic"] for row in rows} == set(TOPICS)
    assert len({row["id"] for row in rows}) == len(rows)
