"""Building outreach objects for tests: users of the press office, accounts on the fakes, workflows."""

from __future__ import annotations

from datetime import UTC, datetime

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.fake_servers import BLUESKY_PASSWORD, MASTODON_TOKEN, FakeBluesky, FakeMastodon
from chancery.outreach.models import Account, Post
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import UserFactory

PAST = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
TEXT_VI = "Bộ Ngoại giao Việt Nam hoan nghênh thỏa thuận hợp tác mới."
TEXT_EN = "The Ministry of Foreign Affairs of Viet Nam welcomes the new cooperation agreement."


def user(username: str, role: str, organisation: Organisation) -> User:
    """Return an internal user of ``organisation`` with ``role``."""
    created: User = UserFactory(  # type: ignore[no-untyped-call, assignment]
        username=username, role=role, organisation=organisation, clearance=Classification.INTERNAL
    )
    return created


def press_officer(organisation: Organisation, username: str = "press") -> User:
    """Return a press officer of ``organisation``."""
    return user(username, Role.PRESS_OFFICER, organisation)


def accounts_on_fakes(author: User, mastodon: FakeMastodon, bluesky: FakeBluesky) -> list[Account]:
    """Connect a Vietnamese Mastodon account and an English Bluesky account of the author's unit."""
    actor = actor_of(author)
    return [
        services.account_create(
            actor=actor,
            account=services.AccountIn(
                platform="mastodon",
                base_url=mastodon.base_url,
                handle="@mofa",
                language="vi",
                credentials={"access_token": MASTODON_TOKEN},
            ),
        ),
        services.account_create(
            actor=actor,
            account=services.AccountIn(
                platform="bluesky",
                base_url=bluesky.base_url,
                web_base_url=bluesky.base_url,
                handle=bluesky.handle,
                language="en",
                credentials={"identifier": bluesky.handle, "app_password": BLUESKY_PASSWORD},
            ),
        ),
    ]


def two_step_workflow(manager: User, first: list[User], second: list[User], *, second_mode: str = "all") -> None:
    """Give the manager's unit a two-tier workflow: any-of ``first``, then ``second_mode`` of ``second``."""
    services.workflow_set(
        actor=actor_of(manager),
        steps=[
            services.StepIn(name="Press office review", mode="any", approver_ids=[u.pk for u in first]),
            services.StepIn(name="Spokesperson", mode=second_mode, approver_ids=[u.pk for u in second]),
        ],
    )


def draft(author: User, accounts: list[Account], **changes: object) -> Post:
    """Create a draft of ``author`` for ``accounts``, due already."""
    content = {
        "title": "Cooperation agreement",
        "text_vi": TEXT_VI,
        "text_en": TEXT_EN,
        "account_ids": [a.pk for a in accounts],
        "scheduled_for": PAST,
        **changes,
    }
    return services.post_create(actor=actor_of(author), content=services.PostIn(**content))  # type: ignore[arg-type]
