import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.nlp.dedup import (
    DuplicatePair,
    duplicate_groups,
    minhash_signatures,
    near_duplicates,
    shingles,
    stories_cluster,
)

WIRE = (
    "Viet Nam and Japan signed an agreement on Monday to expand cooperation in clean energy, infrastructure "
    "and digital transformation, the two foreign ministers said at a joint press conference in Hanoi after "
    "talks that lasted three hours."
)
REPUBLISHED = WIRE + " Reporting by Staff; editing by the desk."
OTHER = (
    "Heavy rain caused floods and landslides in the central provinces, the disaster agency said, and "
    "thousands of households were evacuated as rivers rose above the third alarm level overnight."
)
OTHER_2 = (
    "Floods and landslides hit the central provinces after heavy rain overnight; the disaster agency said "
    "thousands of households were evacuated as rivers rose above alarm level three in several districts."
)
UNRELATED = "The central bank kept its policy rate unchanged and said inflation would stay within target."


def test_republished_story_is_a_near_duplicate_and_nothing_else_is():
    pairs = near_duplicates([WIRE, OTHER, REPUBLISHED, UNRELATED, ""])
    assert [(p.first, p.second) for p in pairs] == [(0, 2)]
    assert 0.8 <= pairs[0].similarity < 1.0


def test_identical_texts_have_similarity_one_and_empty_texts_pair_with_nothing():
    assert near_duplicates([WIRE, WIRE.upper(), "", ""]) == [DuplicatePair(0, 1, 1.0)]


def test_threshold_controls_what_counts():
    assert near_duplicates([WIRE, REPUBLISHED], threshold=0.99) == []


def test_duplicate_groups_are_transitive_and_cover_every_text():
    groups = duplicate_groups([WIRE, OTHER, REPUBLISHED, REPUBLISHED + " Updated.", UNRELATED])
    assert groups == [[0, 2, 3], [1], [4]]


def test_minhash_estimates_jaccard():
    a, b = shingles(WIRE), shingles(REPUBLISHED)
    signatures = minhash_signatures([a, b], num_perm=256)
    estimate = float((signatures[0] == signatures[1]).mean())
    exact = len(set(a.tolist()) & set(b.tolist())) / len(set(a.tolist()) | set(b.tolist()))
    assert abs(estimate - exact) < 0.1


def test_bands_must_divide_permutations():
    with pytest.raises(ValueError, match="multiple"):
        near_duplicates([WIRE], num_perm=64, bands=5)


def test_stories_cluster_groups_the_same_event_and_keeps_others_apart():
    texts = [WIRE, OTHER, UNRELATED, OTHER_2, REPUBLISHED]
    clusters = stories_cluster(texts)
    assert sorted(clusters) == [[0, 4], [1, 3], [2]]
    assert len(clusters[0]) == 2
    assert clusters[-1] == [2]


def test_vietnamese_stories_cluster():
    texts = [
        "Mưa lớn gây lũ quét và sạt lở đất tại các tỉnh miền Trung, hàng nghìn hộ dân phải sơ tán khẩn cấp.",
        "Ngân hàng Nhà nước giữ nguyên lãi suất điều hành trong tháng này.",
        "Lũ quét và sạt lở đất sau mưa lớn ở miền Trung, hàng nghìn hộ dân được sơ tán.",
    ]
    assert sorted(stories_cluster(texts)) == [[0, 2], [1]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=12))
def test_clusters_partition_the_batch_and_duplicates_stay_together(texts):
    clusters = stories_cluster(texts)
    assert sorted(i for cluster in clusters for i in cluster) == list(range(len(texts)))
    where = {i: n for n, cluster in enumerate(clusters) for i in cluster}
    for pair in near_duplicates(texts):
        assert where[pair.first] == where[pair.second]
        assert 0.8 <= pair.similarity <= 1.0
    assert stories_cluster(texts) == clusters  # deterministic
