import pycountry

from chancery_analytics.jsonl import InputRecord, Rejected, records_read
from chancery_analytics.nlp.topic import TOPICS
from chancery_analytics.pipeline import EVENT_CLASSES, OUTPUT_FIELDS, SENTIMENTS, Pipeline

PIPELINE = Pipeline()
EXPECTED_FIELDS = {
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
}
RECORDS = [
    InputRecord(id="en-1", text="Japan and Vietnam signed a trade agreement in Hanoi on Monday, officials said."),
    InputRecord(id=2, text="Trung Quốc triển khai tàu hải cảnh trên Biển Đông, Việt Nam phản đối mạnh mẽ."),
    InputRecord(id="tweet", text="I love this so much, best day ever!!"),
    InputRecord(id="empty", text=""),
]


def test_output_vocabulary_is_exactly_as_specified():
    assert set(OUTPUT_FIELDS) == EXPECTED_FIELDS
    for record in RECORDS:
        output = PIPELINE.annotate(record).to_json()
        assert set(output) == EXPECTED_FIELDS
        assert output["id"] == record.id
        assert len(output["lang"]) == 2 or output["lang"] == "und"
        assert all(pycountry.countries.get(alpha_3=c) for c in output["countries"])
        assert set(output["countries_about"]) <= set(output["countries"])
        assert output["sentiment"] in SENTIMENTS
        assert -1.0 <= output["sentiment_score"] <= 1.0
        assert output["event_class"] in EVENT_CLASSES
        assert -10.0 <= output["event_intensity"] <= 10.0
        assert isinstance(output["political"], bool)
        assert output["topic"] in TOPICS
        assert set(output["models"]) == {"lang", "countries", "sentiment", "event", "political", "topic", "entities"}
        assert isinstance(output["organisations"], list)
        assert isinstance(output["people"], list)
        assert all("@" in model or model == "given" for model in output["models"].values())


def test_known_examples():
    english, vietnamese, tweet, _ = (PIPELINE.annotate(r) for r in RECORDS)
    assert english.lang == "en"
    assert set(english.countries) == {"JPN", "VNM"}
    assert vietnamese.lang == "vi"
    assert vietnamese.countries == ["CHN", "VNM"]
    assert vietnamese.topic == "maritime_east_sea"
    assert vietnamese.models["sentiment"].startswith("sentiment_vi@")
    assert tweet.sentiment == "positive"
    assert tweet.models["sentiment"].startswith("sentiment_en@")


def test_sentiment_model_follows_the_language():
    french = PIPELINE.annotate(InputRecord(id="fr", text="Je déteste ce film, il est vraiment horrible et nul."))
    assert french.lang == "fr"
    assert french.models["sentiment"].startswith("sentiment_multi@")
    assert PIPELINE.sentiment_model("und") is PIPELINE.sentiment_en


def test_given_language_overrides_identification():
    result = PIPELINE.annotate(InputRecord(id=1, text="Japan signed a deal.", lang="vi"))
    assert result.lang == "vi"
    assert result.models["lang"] == "given"
    assert result.models["sentiment"].startswith("sentiment_vi@")


def test_pipeline_is_deterministic_across_instances():
    first = [PIPELINE.annotate(r).to_json() for r in RECORDS]
    second = [Pipeline().annotate(r).to_json() for r in RECORDS]
    assert first == second


def test_batch_skips_bad_records_and_goes_on():
    lines = ['{"id": 1, "text": "Peace talks resumed in Geneva."}', "{broken", '{"id": 2, "text": "Xin chào"}']
    results = list(PIPELINE.annotate_batch(records_read(lines)))
    assert [type(r).__name__ for r in results] == ["Annotation", "Rejected", "Annotation"]
    assert isinstance(results[1], Rejected)
    assert results[1].line == 2


def test_people_and_organisations_are_extra_fields_with_their_model():
    result = PIPELINE.annotate(
        InputRecord(id="e", text="Thủ tướng Phạm Minh Chính gặp Tổng Thư ký Liên hợp quốc António Guterres tại ASEAN.")
    )
    assert result.people == ["Phạm Minh Chính", "António Guterres"]
    assert result.organisations == ["UN", "ASEAN"]
    assert result.models["entities"].startswith("entities-gazetteer@")
    output = result.to_json()
    assert list(output)[: len(EXPECTED_FIELDS) - 3] == [
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
    ]
