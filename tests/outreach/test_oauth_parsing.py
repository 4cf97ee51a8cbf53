"""Property tests: the X, Facebook and sign-in parsers take any bytes or JSON and raise only MalformedResponse."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.outreach.connectors import facebook, oauth, x
from chancery.outreach.connectors.errors import MalformedResponse

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PARSERS = [
    x.x_post,
    x.x_user,
    x.x_posts,
    x.x_media_id,
    facebook.graph_id,
    facebook.page_post,
    facebook.page_posts,
    lambda body: oauth.token_set(body, now=NOW),
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
keys = st.sampled_from(
    [
        "data",
        "id",
        "text",
        "username",
        "detail",
        "title",
        "errors",
        "message",
        "permalink_url",
        "error",
        "code",
        "error_subcode",
        "access_token",
        "refresh_token",
        "expires_in",
        "scope",
    ]
)
shaped = st.dictionaries(keys, json_values | st.dictionaries(keys, json_values, max_size=3), max_size=5)
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _only_malformed(body: bytes) -> None:
    for parse in PARSERS:
        with contextlib.suppress(MalformedResponse):
            parse(body)
    assert isinstance(x.x_error_detail(body), str)
    error = facebook.graph_error(body)
    assert error is None or isinstance(error.code, int)


@relaxed
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_a_parser(body: bytes) -> None:
    _only_malformed(body)


@relaxed
@given(json_values | shaped)
def test_arbitrary_json_never_crashes_a_parser(value: object) -> None:
    _only_malformed(json.dumps(value).encode())


@relaxed
@given(st.text(max_size=300))
def test_x_post_text_round_trips(text: str) -> None:
    body = json.dumps({"data": {"id": "1800000000000000001", "text": text}}).encode()
    assert x.x_post(body).text == text


@relaxed
@given(st.integers(min_value=1, max_value=10**7))
def test_token_expiry_is_now_plus_expires_in(seconds: int) -> None:
    body = json.dumps({"access_token": "tok", "expires_in": seconds, "refresh_token": "r"}).encode()
    tokens = oauth.token_set(body, now=NOW)
    assert tokens.expires_at is not None
    assert (tokens.expires_at - NOW).total_seconds() == seconds
    assert tokens.refresh_token == "r"


@relaxed
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=43, max_size=128))
def test_pkce_challenge_is_43_url_safe_characters(verifier: str) -> None:
    challenge = oauth.pkce_challenge(verifier)
    assert len(challenge) == 43
    assert "=" not in challenge
    assert "+" not in challenge
    assert "/" not in challenge


def test_pkce_matches_the_rfc_7636_example() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert oauth.pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
