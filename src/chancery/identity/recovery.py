"""Recovery codes stored one by one as salted, slow password hashes (ASVS 6.5.2), each usable once.

allauth derives its recovery codes from a seed kept (encrypted) in the authenticator's ``data``, which
means whoever can decrypt the row can print every code. Chancery keeps allauth's ``recovery_codes``
authenticator row (so allauth's sign-in stages and pages still see that the user has codes) but stores::

    {"scheme": "chancery-hashed-v1", "hashes": ["argon2$…", …], "used_mask": <bit per used code>,
     "slotted": true}

Each code gets its own salted hash from Django's password hasher: with argon2 (production) the argon2id
parameters are OWASP's for high-entropy secrets (19 MiB, 2 passes, 1 lane), because a code carries about
59 random bits and ten of them are hashed at once; with another configured hasher, that hasher's own
parameters. A new code starts with its slot number (``3-abcd-efgh-jkmn``), which is not secret and lets
a sign-in check one hash instead of ten; codes migrated from allauth's seeds have no slot and are
checked against every unused hash. Codes are shown once, when they are issued, and never again.

allauth creates a seed-based row by itself when someone sets up their first authenticator; the page
that shows the codes right afterwards (:func:`chancery.identity.services.recovery_codes_reveal_pending`)
hashes them and erases the seed, so a seed lives only between those two requests.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    BasePasswordHasher,
    check_password,
    get_hasher,
    make_password,
)
from django.db import transaction

SCHEME = "chancery-hashed-v1"
CODE_COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper
GROUPS = 3
GROUP_LENGTH = 4
TOTP_DIGITS = 6


class RecoveryCodeArgon2Hasher(Argon2PasswordHasher):
    """argon2id with OWASP's minimum parameters (m=19 MiB, t=2, p=1), for codes of about 59 random bits.

    The parameters travel in each encoded hash, so Django's ordinary argon2 hasher verifies them.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


def _hasher() -> BasePasswordHasher:
    default = get_hasher("default")
    return RecoveryCodeArgon2Hasher() if default.algorithm == Argon2PasswordHasher.algorithm else default


def is_hashed(data: dict[str, Any]) -> bool:
    """True when an authenticator's ``data`` holds hashed codes (not allauth's seed)."""
    return data.get("scheme") == SCHEME


def normalise(code: str) -> str:
    """Return ``code`` as stored before hashing: lower case, without spaces or hyphens."""
    return "".join(ch for ch in code.strip().lower() if ch not in " -")


def codes_generate() -> list[str]:
    """Return ten new codes ``<slot>-xxxx-xxxx-xxxx``: a slot digit, then 12 of 31 letters (about 59 bits)."""
    return [
        f"{slot}-" + "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
        for slot in range(CODE_COUNT)
    ]


def hashed_data(codes: list[str], *, slotted: bool = True) -> dict[str, Any]:
    """Return the authenticator ``data`` holding a salted slow hash of each code (none used yet).

    ``slotted`` says the codes come from :func:`codes_generate` (code ``i`` starts with the digit ``i``).
    """
    hasher = _hasher()
    return {
        "scheme": SCHEME,
        "hashes": [make_password(normalise(code), hasher=hasher) for code in codes],
        "used_mask": 0,
        "slotted": slotted,
    }


def _candidate_slots(data: dict[str, Any], cleaned: str) -> list[int]:
    """The hash slots a typed code can match: its own slot for slotted codes, else every slot."""
    count = len(data["hashes"])
    if data.get("slotted"):
        if len(cleaned) == 1 + GROUPS * GROUP_LENGTH and cleaned[0].isdigit() and int(cleaned[0]) < count:
            return [int(cleaned[0])]
        return []
    return list(range(count))


def unused_count(authenticator: Authenticator) -> int:
    """Return how many of the authenticator's codes are still unused (hashed or seed-based)."""
    data = authenticator.data
    if is_hashed(data):
        mask = int(data.get("used_mask", 0))
        return sum(1 for index in range(len(data["hashes"])) if not mask & (1 << index))
    return len(authenticator.wrap().get_unused_codes())


def total_count(authenticator: Authenticator) -> int:
    """Return how many codes the authenticator was issued with."""
    data = authenticator.data
    if is_hashed(data):
        return len(data["hashes"])
    return len(authenticator.wrap().generate_codes())


def looks_like_recovery_code(code: str) -> bool:
    """False for a six-digit TOTP code (no need to spend hash checks on it)."""
    cleaned = normalise(code)
    return bool(cleaned) and not (len(cleaned) == TOTP_DIGITS and cleaned.isdigit())


def code_use(*, authenticator: Authenticator, code: str) -> bool:
    """Check ``code`` against the unused hashes; on a match mark it used (under a row lock) and return True.

    Needs: a hashed recovery-codes authenticator. Emits nothing (the sign-in form audits the outcome).
    """
    if not looks_like_recovery_code(code):
        return False
    cleaned = normalise(code)
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        data = locked.data
        mask = int(data.get("used_mask", 0))
        for index in _candidate_slots(data, cleaned):
            if mask & (1 << index):
                continue
            if check_password(cleaned, data["hashes"][index]):
                data["used_mask"] = mask | (1 << index)
                locked.data = data
                locked.save(update_fields=["data"])
                authenticator.data = data
                return True
    return False


class MaskedRecoveryCodes:
    """What allauth's MFA overview template asks of a recovery-codes authenticator, without any code.

    The template counts ``generate_codes`` and ``get_unused_codes``; hashed codes cannot be listed, so
    this returns masks of the right lengths.
    """

    def __init__(self, authenticator: Authenticator) -> None:
        """Wrap ``authenticator`` (a hashed or seed-based recovery-codes row)."""
        self.instance = authenticator

    def generate_codes(self) -> list[str]:
        """Return one mask per issued code."""
        return ["****"] * total_count(self.instance)

    def get_unused_codes(self) -> list[str]:
        """Return one mask per unused code."""
        return ["****"] * unused_count(self.instance)
