"""The outreach demo: workflow, accounts and posts in every state; the due statement publishes on the fakes."""

from __future__ import annotations

import pytest

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach.demo import outreach_demo_seed
from chancery.outreach.enums import PostState
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Account, Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from tests.outreach.factories import user

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_seed_then_publish(ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky) -> None:
    press_dept = Organisation.objects.create(
        code="dept-press", kind="department", name_en="P", name_vi="P", parent=ministry
    )
    user("press", Role.PRESS_OFFICER, press_dept)
    user("desk", Role.DESK_OFFICER, ministry)
    user("analyst", Role.ANALYST, ministry)
    user("admin", Role.ADMINISTRATOR, ministry)
    outreach_demo_seed()
    outreach_demo_seed()  # idempotent
    assert Post.objects.filter(campaign__isnull=True).count() == 0  # every demo post is in a bilingual campaign
    assert Post.objects.values("campaign").distinct().count() == 2
    states = sorted(Post.objects.values_list("state", flat=True))
    assert states == sorted([PostState.APPROVED, PostState.IN_APPROVAL, PostState.IN_APPROVAL, PostState.DRAFT])
    Account.objects.filter(platform="mastodon").update(base_url=fake_mastodon.base_url)
    Account.objects.filter(platform="bluesky").update(base_url=fake_bluesky.base_url)
    posts_publish_due(actor=Actor.system(purpose="outreach.publish"))
    published = Post.objects.get(state=PostState.PUBLISHED)
    assert all(t.url for t in published.targets.all())
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 1
