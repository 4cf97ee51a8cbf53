"""Limit checks match each platform's rules, including grapheme counting for Vietnamese text."""

from __future__ import annotations

import unicodedata

from chancery.outreach import limits

# "Việt Nam" written with combining marks: e + U+0323 (dot below) + U+0302 (circumflex).
VIET_DECOMPOSED = "Vie\u0323\u0302t Nam"


def test_a_vietnamese_letter_with_combining_marks_is_one_grapheme_on_bluesky() -> None:
    check = limits.bluesky_check(VIET_DECOMPOSED)
    assert check.length == len("Việt Nam") == 8
    assert len(VIET_DECOMPOSED) == 10  # code points
    assert check.byte_length == len(VIET_DECOMPOSED.encode()) == 12
    assert check.ok


def test_bluesky_allows_exactly_300_graphemes_and_refuses_301() -> None:
    assert limits.bluesky_check("ệ" * 300).ok
    over = limits.bluesky_check("ệ" * 301)
    assert not over.ok
    assert over.kept == "ệ" * 300
    assert over.cut == "ệ"


def test_bluesky_byte_limit_binds_before_the_grapheme_limit() -> None:
    heavy = "e\u0323\u0302" * 5 * 60  # 300 graphemes of 5 bytes: 1,500 bytes - fine
    assert limits.bluesky_check(heavy).ok
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme, 25 bytes
    check = limits.bluesky_check(family * 150)
    assert check.length == 150
    assert check.byte_length == 3750
    assert not check.ok
    assert check.kept == family * 120  # 120 x 25 = 3,000 bytes
    assert check.cut == family * 30


def test_mastodon_uses_the_instance_limit_and_counts_a_url_as_23() -> None:
    url = "https://mofa.gov.vn/" + "a" * 100
    check = limits.mastodon_check(f"Xem {url}", max_characters=27)
    assert check.length == 4 + 23
    assert check.ok
    over = limits.mastodon_check(f"Xem {url} ok", max_characters=27)
    assert not over.ok
    assert over.kept == f"Xem {url}"  # the URL is never split
    assert over.cut == " ok"


def test_mastodon_default_is_500_graphemes() -> None:
    assert limits.limit_check("mastodon", VIET_DECOMPOSED * 50).ok  # 450 graphemes
    assert not limits.mastodon_check("a" * 501).ok


def test_x_weighs_vietnamese_letters_and_cjk_as_two_and_latin_as_one() -> None:
    assert limits.x_check("Viet Nam").length == 8
    assert limits.x_check("Việt Nam").length == 9  # ệ (U+1EC7) is outside the light ranges
    assert limits.x_check(VIET_DECOMPOSED).length == 9  # NFC first
    assert limits.x_check("日本").length == 4
    assert limits.x_check("see https://example.org/" + "x" * 80).length == 4 + 23


def test_x_allows_140_cjk_characters_but_not_141() -> None:
    assert limits.x_check("中" * 140).ok
    over = limits.x_check("中" * 141)
    assert not over.ok
    assert over.kept == "中" * 140


def test_facebook_limit_is_63206() -> None:
    assert limits.facebook_check("a" * 63206).ok
    assert not limits.facebook_check("a" * 63207).ok


def test_the_kept_and_cut_parts_rebuild_the_text() -> None:
    text = unicodedata.normalize("NFD", "Bộ Ngoại giao Việt Nam hoan nghênh ") * 20
    for platform in ("bluesky", "mastodon", "facebook"):
        check = limits.limit_check(platform, text, max_characters=100)
        assert check.kept + check.cut == text


def test_mastodon_counts_a_remote_mention_as_its_local_part() -> None:
    check = limits.mastodon_check("Cảm ơn @embassy@mastodon.example.org!", max_characters=500)
    assert check.length == len("Cảm ơn @embassy!")
    assert limits.mastodon_check("mail a@b.org", max_characters=500).length == len("mail a@b.org")
    over = limits.mastodon_check("ab @embassy@social.example", max_characters=10)
    assert over.kept == "ab "  # a mention is never split
    assert not over.ok
