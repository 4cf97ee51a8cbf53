"""Done-when: a Jitsi token produced by the app validates under an independent JWT library (joserfc).

The app signs with PyJWT; these tests verify with joserfc, with the configured secret (HS256) or the public
half of the configured key file (RS256), and check every claim Jitsi's token authentication reads.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import OctKey, RSAKey

from chancery.identity.models import User
from chancery.meetings.services import meeting_join, meeting_schedule
from tests.conftest import actor_of
from tests.meetings.conftest import JITSI_SECRET

pytestmark = pytest.mark.django_db


def _schedule(organiser: User, *guests: User) -> Any:
    return meeting_schedule(
        actor=actor_of(organiser),
        title="Visit preparations",
        starts_at=timezone.now() + timedelta(hours=1),
        duration_minutes=45,
        participants=[g.username for g in guests],
    )


def _claims_registry(meeting: Any) -> jwt.JWTClaimsRegistry:
    return jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": "chancery"},
        aud={"essential": True, "value": "jitsi"},
        sub={"essential": True, "value": "meet.mofa.test"},
        room={"essential": True, "value": meeting.room},
        exp={"essential": True},
        nbf={"essential": True},
    )


def test_hs256_token_validates_with_the_configured_secret(
    jitsi: Any, desk_officer: User, other_mission_officer: User
) -> None:
    desk_officer.email = "desk@mofa.test"
    desk_officer.save()
    meeting = _schedule(desk_officer, other_mission_officer)
    link = meeting_join(actor=actor_of(desk_officer), meeting_id=meeting.pk)

    token = jwt.decode(link.token, OctKey.import_key(JITSI_SECRET), algorithms=["HS256"])
    assert token.header["alg"] == "HS256"
    _claims_registry(meeting).validate(token.claims)  # also checks exp and nbf against now
    claims = token.claims
    assert claims["nbf"] <= int((meeting.starts_at - timedelta(minutes=10)).timestamp())
    assert claims["exp"] == int((meeting.ends_at + timedelta(minutes=15)).timestamp())
    assert claims["moderator"] is True
    assert claims["context"]["user"] == {
        "id": str(desk_officer.pk),
        "name": desk_officer.get_full_name() or desk_officer.username,
        "email": "desk@mofa.test",
        "moderator": True,
    }
    # The link is the room on the ministry's deployment, carrying this token.
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"https://meet.mofa.test/{meeting.room}"
    assert parse_qs(parts.query)["jwt"] == [link.token]


def test_each_participant_gets_their_own_token(jitsi: Any, desk_officer: User, other_mission_officer: User) -> None:
    meeting = _schedule(desk_officer, other_mission_officer)
    guest = meeting_join(actor=actor_of(other_mission_officer), meeting_id=meeting.pk)
    claims = jwt.decode(guest.token, OctKey.import_key(JITSI_SECRET), algorithms=["HS256"]).claims
    assert claims["context"]["user"]["id"] == str(other_mission_officer.pk)
    assert claims["moderator"] is False
    assert claims["context"]["user"]["moderator"] is False


def test_a_token_does_not_validate_with_another_secret(jitsi: Any, desk_officer: User) -> None:
    meeting = _schedule(desk_officer)
    link = meeting_join(actor=actor_of(desk_officer), meeting_id=meeting.pk)
    with pytest.raises(BadSignatureError):
        jwt.decode(link.token, OctKey.import_key("another-secret-of-32-characters-long!!"), algorithms=["HS256"])


def test_rs256_token_validates_with_the_public_key(jitsi: Any, tmp_path: Path, desk_officer: User) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "jitsi.pem"
    key_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    jitsi.JITSI_KEY_FILE = str(key_file)
    jitsi.JITSI_KEY_ID = "chancery/2026"
    meeting = _schedule(desk_officer)
    link = meeting_join(actor=actor_of(desk_officer), meeting_id=meeting.pk)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = jwt.decode(link.token, RSAKey.import_key(public_pem), algorithms=["RS256"])
    assert token.header == {"alg": "RS256", "typ": "JWT", "kid": "chancery/2026"}
    _claims_registry(meeting).validate(token.claims)
    assert token.claims["context"]["user"]["id"] == str(desk_officer.pk)
