"""Social-media text for the sentiment features: URLs, mentions, hashtags, elongations, emoji and negation.

One definition shared by training and inference. :func:`social_tokens` turns a post into word tokens in which
``@someone`` is ``@user``, a URL is ``http``, ``#StopTheWar`` also yields ``stop the war``, ``soooo`` is
``soo``, each emoji is a token of its own (plus ``emo_pos``/``emo_neg`` for a curated set of emoji with a
clear polarity), and every word between a negation and the next punctuation gets a ``neg_`` twin.
"""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?://|www\.)\S+|\bhttp\b", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_ELONGATED = re.compile(r"(\w)\1\1+")  # three or more of a character (``\1{2,}``, which is slower in ``re``)
_EMOJI_RANGES = (
    "\U0001f300-\U0001f5ff\U0001f600-\U0001f64f\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff"
    "\U0001fa70-\U0001faff\u2600-\u27bf\u2b50\u2764"
)
_TOKEN = re.compile(
    r"@user|\w+(?:['.]\w+)*|[:;=8][-'o^]?[()\[\]dDpP/\\|*3]|<3|[!?]+|[.,;:]+|[" + _EMOJI_RANGES + r"]",
)
_NEGATIONS = frozenset(
    {"not", "no", "never", "nor", "none", "nothing", "neither", "nobody", "nowhere", "without", "cannot", "cant"}
)
# Emoji and emoticons whose polarity is not in doubt (a small curated list written for this project).
_POSITIVE = frozenset("😀😁😂😃😄😅😆😇😉😊😋😍😎😘😙😚😛😜😝🙂🙃🤗🤩🥰🥳👍👏🙌💪🎉🎊❤💕💖💗💙💚💛💜🧡😻✨🌟⭐🔥💯☺♥")
_NEGATIVE = frozenset("😞😟😠😡😢😣😤😥😦😧😨😩😪😫😭😰😱😒😓😔😕😖🙁☹🤬🤮🤢👎💔😾😿🖕")
_EMOTICONS_POS = frozenset({":)", ":-)", ":d", ":-d", ";)", ";-)", ":p", ":-p", "=)", "=d", ":]", "<3", ":*", "8)"})
_EMOTICONS_NEG = frozenset({":(", ":-(", ":/", ":-/", ":'(", "=(", ":[", ":\\", ":|"})
# token → its polarity cue (a token in both lists counts as positive, as the lists are checked in that order)
_EMO_CUES = dict.fromkeys(_NEGATIVE | _EMOTICONS_NEG, "emo_neg") | dict.fromkeys(_POSITIVE | _EMOTICONS_POS, "emo_pos")


def _hashtag(match: re.Match[str]) -> str:
    body = match.group(1)
    parts = _CAMEL.findall(body)
    words = " ".join(p.lower() for p in parts) if len(parts) > 1 else body.lower()
    return f" #{body.lower()} {words} "


def social_prepare(text: str) -> str:
    """Return ``text`` with URLs as ``http``, mentions as ``@user``, hashtags split and elongations cut to two.

    Needs a normalised ``str``; emits a ``str`` (the input's case is kept apart from hashtags).
    """
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:  # every URL match holds one of them, whatever its case
        text = _URL.sub(" http ", text)
    text = _MENTION.sub(" @user ", text)
    text = _HASHTAG.sub(_hashtag, text)
    return _ELONGATED.sub(r"\1\1", text)


def social_tokens(text: str, *, prepared: bool = False) -> tuple[list[str], list[str]]:
    """Return ``(tokens, cues)`` of a social post for hashing (see the module docstring).

    ``tokens`` are the lower-cased words, ``!``/``?`` runs, emoticons and emoji in order (word n-grams are
    built from them); ``cues`` are extra unigrams: ``emo_pos``/``emo_neg`` and the ``neg_`` twins of negated
    words. Needs a normalised ``str`` (``prepared``: already passed through :func:`social_prepare`).
    """
    tokens: list[str] = []
    cues: list[str] = []
    negated = False
    for token in _TOKEN.findall((text if prepared else social_prepare(text)).lower()):
        first = token[0]
        if first in ".,;:" and not token.strip(".,;:"):  # a run of punctuation ends a negation's scope
            negated = False
            continue
        tokens.append(token)
        emo = _EMO_CUES.get(token)
        if emo is not None:
            cues.append(emo)
        if first in "!?":
            negated = False
        elif token in _NEGATIONS or token.endswith("n't"):
            negated = True
        elif negated and first.isalpha():
            cues.append("neg_" + token)
    return tokens, cues
