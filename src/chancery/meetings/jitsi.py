"""The ministry's Jitsi Meet deployment: room links with a signed token per participant.

Jitsi's token authentication (prosody ``mod_auth_token``) accepts a JWT signed with HS256 and the shared
``app_secret``, or with RS256 by a private key whose public half the deployment fetches by ``kid``
(``asap_key_server``). Claims, as Jitsi expects them:

``iss``
    the application id (``CHANCERY_JITSI_APP_ID``, Jitsi's ``app_id``)
``aud``
    ``CHANCERY_JITSI_AUDIENCE`` (default ``jitsi``; Jitsi's ``asap_accepted_audiences``)
``sub``
    the deployment's domain (``CHANCERY_JITSI_SUBJECT``, default the host of ``CHANCERY_JITSI_URL``)
``room``
    the room name (one meeting, one unguessable room)
``nbf`` / ``exp`` / ``iat``
    the token is valid from ten minutes before the start until fifteen minutes after the end
``context.user``
    ``id``, ``name``, ``email`` and ``moderator`` of the participant; ``moderator`` is also a top-level claim

Nothing is sent to Jitsi here: a room exists in Jitsi once its first holder of a valid token joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import jwt
from django.conf import settings

EARLY = timedelta(minutes=10)
LATE = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Seat:
    """Who joins: the facts a token names (no clearance or role: Jitsi needs none)."""

    user_id: int
    name: str
    email: str
    moderator: bool


@dataclass(frozen=True, slots=True)
class JoinLink:
    """Where a participant's browser goes, the token it carries and until when it is valid."""

    url: str
    token: str
    expires_at: datetime


class VideoService(Protocol):
    """A video-meeting deployment that admits token holders to a room."""

    def join_link(self, *, room: str, seat: Seat, starts_at: datetime, ends_at: datetime, now: datetime) -> JoinLink:
        """Return the link and token admitting ``seat`` to ``room`` for the meeting's time window."""
        ...


@dataclass(frozen=True, slots=True)
class JitsiMeet:
    """A Jitsi Meet deployment with token authentication (HS256 shared secret or RS256 private key)."""

    base_url: str
    app_id: str
    audience: str
    subject: str
    algorithm: str
    signing_key: str
    key_id: str = ""

    def claims(self, *, room: str, seat: Seat, starts_at: datetime, ends_at: datetime, now: datetime) -> dict[str, Any]:
        """Return the JWT claims for ``seat`` in ``room`` (see the module docstring)."""
        return {
            "iss": self.app_id,
            "aud": self.audience,
            "sub": self.subject,
            "room": room,
            "iat": int(now.timestamp()),
            "nbf": int(min(now, starts_at - EARLY).timestamp()),
            "exp": int((ends_at + LATE).timestamp()),
            "moderator": seat.moderator,
            "context": {
                "user": {
                    "id": str(seat.user_id),
                    "name": seat.name,
                    "email": seat.email,
                    "moderator": seat.moderator,
                },
            },
        }

    def join_link(self, *, room: str, seat: Seat, starts_at: datetime, ends_at: datetime, now: datetime) -> JoinLink:
        """Return ``<base>/<room>?jwt=<token>`` for ``seat``, the token signed as configured."""
        headers = {"kid": self.key_id} if self.key_id else None
        claims = self.claims(room=room, seat=seat, starts_at=starts_at, ends_at=ends_at, now=now)
        token = jwt.encode(claims, self.signing_key, algorithm=self.algorithm, headers=headers)
        url = f"{self.base_url.rstrip('/')}/{quote(room)}?jwt={token}"
        return JoinLink(url=url, token=token, expires_at=ends_at + LATE)


def configured_service() -> JitsiMeet | None:
    """Return the configured Jitsi deployment, or None when there is none (the pages then say so).

    Needs ``JITSI_URL``, ``JITSI_APP_ID`` and either ``JITSI_SECRET`` (HS256) or ``JITSI_KEY_FILE``
    (RS256, PEM private key; the key file wins when both are set). Reads the key file on each call.
    """
    base_url = str(settings.JITSI_URL or "")
    app_id = str(settings.JITSI_APP_ID or "")
    if not base_url or not app_id:
        return None
    key_file = settings.JITSI_KEY_FILE
    if key_file:
        algorithm, signing_key = "RS256", Path(key_file).read_text(encoding="ascii")
    elif settings.JITSI_SECRET:
        algorithm, signing_key = "HS256", str(settings.JITSI_SECRET)
    else:
        return None
    return JitsiMeet(
        base_url=base_url,
        app_id=app_id,
        audience=str(settings.JITSI_AUDIENCE or "jitsi"),
        subject=str(settings.JITSI_SUBJECT or urlsplit(base_url).hostname or "*"),
        algorithm=algorithm,
        signing_key=signing_key,
        key_id=str(settings.JITSI_KEY_ID or ""),
    )
