"""Each platform's length rules, as pure functions: how long a text is there, and what would be cut.

* Bluesky: at most 300 grapheme clusters AND 3,000 UTF-8 bytes of the text as sent (no normalisation;
  ``app.bsky.feed.post`` lexicon, ``maxGraphemes``/``maxLength``). A Vietnamese letter written with
  combining marks (``e`` + U+0323 + U+0302) is one grapheme but five bytes.
* Mastodon: the instance's ``configuration.statuses.max_characters`` (500 by default), counted as
  grapheme clusters, every URL counting 23 and a remote mention ``@user@domain`` counting only as
  ``@user`` (Mastodon's ``StatusLengthValidator``).
* X: twitter-text v3 weighting on the NFC text: code points in U+0000-U+10FF, U+2000-U+200D,
  U+2010-U+201F and U+2032-U+2037 weigh 1, everything else (CJK, and Vietnamese letters of the Latin
  Extended Additional block such as "ệ") weighs 2, an emoji (a whole sequence: skin tones, flags, ZWJ)
  weighs 2, each URL weighs 23; at most 280. URLs are ``http(s)://`` followed by non-space characters,
  and bare domains ending in a two-letter or a common generic top-level domain (``mofa.gov.vn``),
  as twitter-text finds them (its full TLD list is not reproduced).
* Facebook Pages: 63,206 characters (code points).

Pure: no Django, so the previews, the services and the tests share it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from chancery.outreach.platforms import Platform

BLUESKY_MAX_GRAPHEMES = 300
BLUESKY_MAX_BYTES = 3000
MASTODON_DEFAULT_MAX = 500
MASTODON_URL_LENGTH = 23
X_MAX_WEIGHT = 280
X_URL_WEIGHT = 23
FACEBOOK_MAX = 63206

_URL = regex.compile(r"https?://\S+")
_X_URL = regex.compile(
    r"https?://\S+|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:[a-z]{2}|com|org|net|gov|edu|int|mil|info|biz|app|dev|news|asia|online|site)\b(?:/[^\s]*)?",
    regex.IGNORECASE,
)
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
_MENTION = regex.compile(r"(?<![\w/])(@\w+)@[\w.-]+\w")
_GRAPHEME = regex.compile(r"\X")
_X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """What a platform would do with a text: its length in the platform's unit, and what fits.

    ``kept`` is the longest prefix (whole graphemes, never splitting a URL) within the limit and ``cut``
    the rest; ``ok`` is False when anything would be cut (the post is then refused, never truncated).
    """

    platform: str
    unit: str
    length: int
    limit: int
    ok: bool
    kept: str
    cut: str
    byte_length: int = 0
    byte_limit: int = 0


def graphemes(text: str) -> list[str]:
    r"""Return the extended grapheme clusters of ``text`` (Unicode UAX #29, via ``regex``'s ``\\X``)."""
    return [str(cluster) for cluster in _GRAPHEME.findall(text)]


def _units(text: str, *, mentions: bool = False, urls: regex.Pattern[str] = _URL) -> Iterator[tuple[str, bool]]:
    """Yield the text as units: whole URLs (True), whole remote mentions if asked, and single graphemes."""
    position = 0
    for match in urls.finditer(text):
        yield from _pieces(text[position : match.start()], mentions=mentions)
        yield match.group(0), True
        position = match.end()
    yield from _pieces(text[position:], mentions=mentions)


def _pieces(text: str, *, mentions: bool) -> Iterator[tuple[str, bool]]:
    """Yield URL-free ``text`` as single graphemes, and whole remote mentions when ``mentions``."""
    position = 0
    for match in _MENTION.finditer(text) if mentions else ():
        for cluster in graphemes(text[position : match.start()]):
            yield cluster, False
        yield match.group(0), False
        position = match.end()
    for cluster in graphemes(text[position:]):
        yield cluster, False


def _x_weight(cluster: str) -> int:
    if _EMOJI.search(cluster):
        return 2  # an emoji, with its modifiers and joiners, counts as one heavy character
    weight = 0
    for char in cluster:
        point = ord(char)
        weight += 1 if any(low <= point <= high for low, high in _X_LIGHT_RANGES) else 2
    return weight


def _fit(platform: str, unit: str, limit: int, units: list[tuple[str, int]], *, byte_limit: int = 0) -> LimitCheck:
    total = sum(weight for _, weight in units)
    text = "".join(piece for piece, _ in units)
    used = 0
    used_bytes = 0
    kept_count = 0
    for piece, weight in units:
        size = len(piece.encode("utf-8"))
        if used + weight > limit or (byte_limit and used_bytes + size > byte_limit):
            break
        used += weight
        used_bytes += size
        kept_count += 1
    kept = "".join(piece for piece, _ in units[:kept_count])
    byte_length = len(text.encode("utf-8"))
    ok = total <= limit and (not byte_limit or byte_length <= byte_limit)
    return LimitCheck(
        platform=platform,
        unit=unit,
        length=total,
        limit=limit,
        ok=ok,
        kept=kept,
        cut=text[len(kept) :],
        byte_length=byte_length,
        byte_limit=byte_limit,
    )


def bluesky_check(text: str) -> LimitCheck:
    """Check ``text`` against Bluesky's 300 graphemes and 3,000 bytes (the text as sent, unnormalised)."""
    units = [(cluster, 1) for cluster in graphemes(text)]
    return _fit(Platform.BLUESKY, "graphemes", BLUESKY_MAX_GRAPHEMES, units, byte_limit=BLUESKY_MAX_BYTES)


def _mastodon_weight(piece: str, *, is_url: bool) -> int:
    if is_url:
        return MASTODON_URL_LENGTH
    mention = _MENTION.fullmatch(piece)
    return len(graphemes(mention.group(1))) if mention else 1


def mastodon_check(text: str, *, max_characters: int = MASTODON_DEFAULT_MAX) -> LimitCheck:
    """Check ``text`` against a Mastodon instance's limit (graphemes; a URL 23, a remote mention its @user)."""
    units = [(piece, _mastodon_weight(piece, is_url=is_url)) for piece, is_url in _units(text, mentions=True)]
    return _fit(Platform.MASTODON, "characters", max_characters, units)


def x_check(text: str) -> LimitCheck:
    """Check ``text`` against X's weighted 280 (twitter-text v3 weights on the NFC text, URLs 23)."""
    normalised = unicodedata.normalize("NFC", text)
    units = [(piece, X_URL_WEIGHT if is_url else _x_weight(piece)) for piece, is_url in _units(normalised, urls=_X_URL)]
    return _fit(Platform.X, "weighted characters", X_MAX_WEIGHT, units)


def facebook_check(text: str) -> LimitCheck:
    """Check ``text`` against a Facebook Page post's 63,206 characters (code points)."""
    units = [(cluster, len(cluster)) for cluster in graphemes(text)]
    return _fit(Platform.FACEBOOK, "characters", FACEBOOK_MAX, units)


def limit_check(platform: str, text: str, *, max_characters: int | None = None) -> LimitCheck:
    """Check ``text`` for ``platform``; ``max_characters`` is a Mastodon instance's reported limit."""
    if platform == Platform.BLUESKY:
        return bluesky_check(text)
    if platform == Platform.MASTODON:
        return mastodon_check(text, max_characters=max_characters or MASTODON_DEFAULT_MAX)
    if platform == Platform.X:
        return x_check(text)
    if platform == Platform.FACEBOOK:
        return facebook_check(text)
    msg = f"unknown platform {platform!r}"
    raise ValueError(msg)
