"""ASVS V9: the self-contained tokens Chancery accepts (drill links, outside approval links).

Both are ``django.core.signing`` tokens: an HMAC-SHA256 over the payload and an issue time, under the
instance's SECRET_KEY and a salt naming the purpose. The algorithm and the key are fixed by the server
(the token carries neither), each purpose has its own salt, and approval links stop working after
``MAX_VALIDITY`` whatever their row says.
"""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from chancery.awareness import drills
from chancery.awareness.models import Course, DrillTemplate, Recipient
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.outreach import links
from chancery.outreach.models import ApprovalLink
from chancery.platform.errors import NotFound
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipient(security_officer: User, desk_officer: User) -> Recipient:
    course = Course.objects.create(slug="phishing-basics", title_en="Phishing", title_vi="Lừa đảo")
    template = DrillTemplate.objects.create(
        name="Password expiry",
        sender_name="IT Service Desk",
        sender_address="helpdesk@mofa-support.example",
        subject="Your password expires today",
        body="Keep it here: {link}",
        landing_title="Sign-in",
        landing_prompt="Sign in.",
        course=course,
    )
    campaign = drills.campaign_create(
        actor=actor_of(security_officer),
        name="drill",
        template=template,
        target_roles=[Role.DESK_OFFICER],
        target_organisations=[],
        scheduled_at=timezone.now(),
    )
    return Recipient.objects.create(campaign=campaign, user=desk_officer)


def _link() -> ApprovalLink:
    return ApprovalLink(pk=41, post_id=7)  # the token names only these two ids


def _resigned(token: str, *, salt: str, key: str | None = None, algorithm: str = "sha256") -> str:
    """The same payload and time, signed again with another key or algorithm."""
    value, _signature = token.rsplit(":", 1)
    signer = signing.TimestampSigner(key=key, salt=salt, algorithm=algorithm)
    return f"{value}:{signer.signature(value)}"


def _tampered(token: str) -> str:
    head, signature = token.rsplit(":", 1)
    return f"{head}:{('B' if signature[0] == 'A' else 'A') + signature[1:]}"


def test_a_genuine_token_is_accepted_and_an_altered_one_refused(recipient: Recipient) -> None:
    drill = drills.drill_token(recipient)
    approval = links.link_token(_link())
    assert drills.drill_recipient(token=drill).pk == recipient.pk
    assert links.link_id_from(approval) == 41
    payload, rest = drill.split(":", 1)
    for forged in (_tampered(drill), f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}:{rest}"):
        with pytest.raises(NotFound):
            drills.drill_recipient(token=forged)
    assert links.link_id_from(_tampered(approval)) is None


def test_only_the_fixed_algorithm_and_the_instance_key_are_accepted(recipient: Recipient) -> None:
    drill = drills.drill_token(recipient)
    approval = links.link_token(_link())
    for algorithm in ("sha1", "sha512", "md5"):  # the token cannot choose its algorithm
        with pytest.raises(NotFound):
            drills.drill_recipient(token=_resigned(drill, salt=drills.SALT, algorithm=algorithm))
        assert links.link_id_from(_resigned(approval, salt=links.SALT, algorithm=algorithm)) is None
    with pytest.raises(NotFound):  # no "none": an empty signature is refused
        drills.drill_recipient(token=drill.rsplit(":", 1)[0] + ":")
    other_instance = "another instance's secret key " * 2
    with pytest.raises(NotFound):
        drills.drill_recipient(token=_resigned(drill, salt=drills.SALT, key=other_instance))
    assert links.link_id_from(_resigned(approval, salt=links.SALT, key=other_instance)) is None


def test_each_token_is_accepted_only_for_its_own_purpose(recipient: Recipient) -> None:
    drill = drills.drill_token(recipient)
    assert links.link_id_from(drill) is None  # a drill link is no approval link
    as_approval = signing.dumps({"r": recipient.pk, "l": recipient.pk}, salt=links.SALT, compress=True)
    with pytest.raises(NotFound):
        drills.drill_recipient(token=as_approval)  # an approval link is no drill link
    with pytest.raises(NotFound):
        drills.drill_recipient(token=signing.dumps({"r": recipient.pk}, compress=True))  # no purpose at all


def test_approval_link_tokens_expire_whatever_their_row_says() -> None:
    token = links.link_token(_link())
    now = time.time()
    almost = now + links.MAX_VALIDITY.total_seconds() - 60
    with mock.patch.object(signing, "time", mock.Mock(time=lambda: almost)):
        assert links.link_id_from(token) == 41
    later = now + (links.MAX_VALIDITY + timedelta(minutes=1)).total_seconds()
    with mock.patch.object(signing, "time", mock.Mock(time=lambda: later)):
        assert links.link_id_from(token) is None
