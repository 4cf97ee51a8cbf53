"""Unicode and Vietnamese normalisation: one canonical spelling for the same text."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff]"
)
_OTHER_SPACES = r"\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# A run of spaces becomes one " ". Only the runs that are not already a single " " are matched (two or more
# spaces, or one that starts with another space character), so most of a text's spaces cost no substitution.
_SPACES = re.compile(rf" [ {_OTHER_SPACES}]+|[{_OTHER_SPACES}][ {_OTHER_SPACES}]*")
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_PUNCTUATION_PAIRS = tuple((chr(code), str(target)) for code, target in _PUNCTUATION.items())

# Vietnamese has two conventions for where the tone mark sits in the open syllables oa, oe and uy
# ("hoà"/"hòa", "thuỷ"/"thủy"). Both are in use; we rewrite to the traditional one ("hòa", "thủy"),
# which is the more frequent in news. Only word-final clusters differ: "hoàng" is the same in both.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_OLD_STYLE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([" + _TONES + r"])(?!\w)")


def _move_tone(match: re.Match[str]) -> str:
    first, second, tone = match.group(1), match.group(2), match.group(3)
    if first.lower() == "o" and second.lower() not in "ae":
        return match.group(0)
    if first.lower() == "u" and second.lower() != "y":
        return match.group(0)
    return first + tone + second


def normalise_text(text: str) -> str:
    """Return ``text`` in one canonical spelling.

    NFC, with control and zero-width characters removed, typographic quotes and dashes folded to ASCII,
    runs of spaces collapsed, and Vietnamese tone marks placed in the traditional style.

    Needs a ``str``; emits a new ``str`` (idempotent: normalising twice changes nothing more).
    """
    if text.isascii():
        # Fast path with the same result: ASCII has no combining marks, tones or typographic punctuation.
        text = _CONTROL.sub("", text)
    else:
        text = unicodedata.normalize("NFD", text)
        text = _CONTROL.sub("", text)
        text = _OLD_STYLE.sub(_move_tone, text)
        text = unicodedata.normalize("NFC", text)
        for source, target in _PUNCTUATION_PAIRS:  # str.replace: much faster than translate on non-ASCII text
            if source in text:
                text = text.replace(source, target)
    text = _SPACES.sub(" ", text)
    return _join_lines(text).strip()


def _join_lines(text: str) -> str:
    r"""Return ``text`` with each run of whitespace that holds a newline made one newline (``\s*\n\s*``).

    Needs text whose only whitespace is " ", "\r" and "\n" (what the control and space passes leave).
    """
    if "\n" not in text:
        return text
    return "\n".join(line for line in (part.strip(" \r") for part in text.split("\n")) if line)
