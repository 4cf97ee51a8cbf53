"""Parsers of what members type: mentions and attachment numbers (property-based)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chancery.chat.content import mentioned_usernames, parse_attachment_ids

USERNAME = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_+-]{0,20}", fullmatch=True)


def test_mentions_are_found_in_order_without_duplicates_or_emails() -> None:
    text = "Hi @lan, @an-nguyen. Cc @lan and mail me at desk@mofa.gov.vn (@tokyo)!"
    assert mentioned_usernames(text) == ["lan", "an-nguyen", "tokyo"]


@given(st.text(max_size=300))
def test_mention_parsing_never_fails_and_returns_plausible_names(text: str) -> None:
    names = mentioned_usernames(text)
    assert len(names) == len(set(names))
    for name in names:
        assert f"@{name}" in text
        assert not name.endswith(".")


@given(st.lists(USERNAME, max_size=5), st.text(alphabet=" ,;!?\n", min_size=1, max_size=3))
def test_every_separated_mention_is_found(names: list[str], separator: str) -> None:
    text = separator.join(f"@{name}" for name in names)
    assert mentioned_usernames(text) == list(dict.fromkeys(names))


@given(st.lists(st.integers(min_value=0, max_value=10**12), max_size=10), st.sampled_from([",", " ", ";", ", "]))
def test_attachment_numbers_round_trip(ids: list[int], separator: str) -> None:
    assert parse_attachment_ids(separator.join(str(i) for i in ids)) == list(dict.fromkeys(ids))


@given(st.text(max_size=50))
def test_attachment_parsing_accepts_digits_only(raw: str) -> None:
    try:
        parsed = parse_attachment_ids(raw)
    except ValueError:
        return
    assert all(isinstance(i, int) and i >= 0 for i in parsed)


@pytest.mark.parametrize("raw", ["12a", "-3", "1.5", "x"])
def test_attachment_parsing_refuses_anything_but_numbers(raw: str) -> None:
    with pytest.raises(ValueError, match="numbers"):
        parse_attachment_ids(raw)
