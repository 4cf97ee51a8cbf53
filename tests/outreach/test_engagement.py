"""Engagement read back from the fake platforms on a schedule; replies and mentions to intelligence."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.connectors import engagement_parsing as parsing
from chancery.outreach.connectors.errors import MalformedResponse
from chancery.outreach.content import PartIn
from chancery.outreach.content_models import EngagementSnapshot, SocialReply
from chancery.outreach.engagement import engagement_import, replies_send
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post, Target
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound, PermissionDenied
from chancery.platform.schedule import periodics
from tests.conftest import actor_of
from tests.outreach.factories import accounts_on_fakes, draft, press_officer, two_step_workflow, user

SYSTEM = Actor.system(purpose="outreach.engagement")
PUBLISHER = Actor.system(purpose="outreach.publish")


@pytest.fixture
def team(ministry: Organisation) -> dict[str, Any]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    desk = user("desk", Role.DESK_OFFICER, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes, "desk": desk}


def published(team: dict[str, Any], mastodon: FakeMastodon, bluesky: FakeBluesky, **changes: Any) -> Post:
    """Publish a post of the team on both fakes and return it."""
    accounts = accounts_on_fakes(team["author"], mastodon, bluesky)
    post = draft(team["author"], accounts, **changes)
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    posts_publish_due(actor=PUBLISHER)
    return post


def _copies(post: Post) -> dict[str, Target]:
    return {t.account.platform: t for t in post.targets.select_related("account")}


@pytest.mark.django_db(transaction=True)
def test_counts_replies_and_mentions_imported_from_both_platforms(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    post = published(team, fake_mastodon, fake_bluesky, parts=[PartIn("Phần hai.", "Part two.")])
    copies = _copies(post)
    fake_mastodon.engage(copies["mastodon"].remote_id, favourites=12, reblogs=3)
    fake_mastodon.reply_from(copies["mastodon"].remote_id, acct="nguyen@social.vn", text="Rất tự hào!", language="vi")
    fake_mastodon.reply_from(
        copies["mastodon"].remote_id, acct="press@example.org", text="@mofa When is the summit?", mention=True
    )
    fake_bluesky.engage(copies["bluesky"].remote_id, likes=40, reposts=7, quotes=2)
    fake_bluesky.reply_from(copies["bluesky"].remote_id, handle="analyst.bsky.test", text="Important step.")

    result = engagement_import(actor=SYSTEM)
    assert result.readings == 2
    assert result.failed_accounts == []
    mastodon = EngagementSnapshot.objects.get(target=copies["mastodon"])
    # The platforms count the thread's own second part among the replies.
    assert (mastodon.likes, mastodon.reposts, mastodon.replies, mastodon.reach) == (12, 3, 3, None)
    bluesky = EngagementSnapshot.objects.get(target=copies["bluesky"])
    assert (bluesky.likes, bluesky.reposts, bluesky.replies, bluesky.quotes) == (40, 7, 2, 2)
    assert bluesky.regions == {}

    replies = {r.author: r for r in SocialReply.objects.all()}
    assert set(replies) == {"@nguyen@social.vn", "@press@example.org", "@analyst.bsky.test"}
    assert replies["@nguyen@social.vn"].text == "Rất tự hào!"
    assert replies["@nguyen@social.vn"].language == "vi"
    assert replies["@nguyen@social.vn"].target == copies["mastodon"]
    assert replies["@analyst.bsky.test"].target == copies["bluesky"]
    assert replies["@analyst.bsky.test"].url.startswith(fake_bluesky.base_url)
    # The thread's own second part is not a reply from the public.
    assert not SocialReply.objects.filter(text__in=["Phần hai.", "Part two."]).exists()

    engagement_import(actor=SYSTEM)  # a second reading, no duplicate replies
    assert EngagementSnapshot.objects.count() == 4
    assert SocialReply.objects.count() == 3
    assert AuditEvent.objects.filter(action="outreach.engagement_imported").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_platform_is_skipped_and_audited(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    post = published(team, fake_mastodon, fake_bluesky)
    fake_bluesky.revoke_sessions()
    fake_bluesky.password = "changed"
    result = engagement_import(actor=SYSTEM)
    assert result.readings == 1
    assert len(result.failed_accounts) == 1
    assert EngagementSnapshot.objects.get().target == _copies(post)["mastodon"]
    failed = AuditEvent.objects.get(action="outreach.engagement_failed")
    assert failed.detail == {"platform": "bluesky", "error": "credentials_rejected"}


@pytest.mark.django_db(transaction=True)
def test_a_post_deleted_on_the_platform_is_skipped_alone(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    post = published(team, fake_mastodon, fake_bluesky)
    del fake_mastodon.state.posts[_copies(post)["mastodon"].remote_id]  # deleted by hand on the instance
    result = engagement_import(actor=SYSTEM)
    assert (result.readings, result.gone, result.failed_accounts) == (1, 1, [])
    assert EngagementSnapshot.objects.get().target == _copies(post)["bluesky"]


@pytest.mark.django_db(transaction=True)
def test_old_posts_are_no_longer_read(
    team: dict[str, Any], settings: Any, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    post = published(team, fake_mastodon, fake_bluesky)
    later = post.targets.first().published_at + timedelta(days=settings.OUTREACH_ENGAGEMENT_DAYS + 1)
    assert engagement_import(actor=SYSTEM, now=later).readings == 0


@pytest.mark.django_db(transaction=True)
def test_only_the_worker_imports() -> None:
    with pytest.raises(PermissionDenied):
        engagement_import(actor=Actor.anonymous())


def test_the_import_is_scheduled() -> None:
    names = {periodic.name for periodic in periodics()}
    assert {"outreach.publish", "outreach.engagement"} <= names


@pytest.mark.django_db(transaction=True)
def test_replies_sent_to_intelligence_as_social_posts(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    from chancery.intelligence.models import Item

    post = published(team, fake_mastodon, fake_bluesky)
    copies = _copies(post)
    fake_mastodon.reply_from(
        copies["mastodon"].remote_id, acct="nguyen@social.vn", text="Việt Nam và ASEAN cùng phát triển.", language="vi"
    )
    engagement_import(actor=SYSTEM)
    with pytest.raises(NotFound):  # a desk officer of the unit outside the workflow does not even see it
        replies_send(actor=actor_of(team["desk"]), post_id=post.pk)
    assert replies_send(actor=actor_of(team["author"]), post_id=post.pk) == 1
    reply = SocialReply.objects.get()
    assert reply.sent_at is not None
    item = Item.objects.get(pk=reply.intelligence_item_id)
    assert item.kind == "social"
    assert item.source.key == "outreach:mastodon:@mofa"
    assert replies_send(actor=actor_of(team["author"]), post_id=post.pk) == 0  # never twice
    assert AuditEvent.objects.filter(action="outreach.replies_sent").count() == 2


@pytest.mark.django_db(transaction=True)
def test_other_units_press_officer_cannot_send(
    team: dict[str, Any], mission_tokyo: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    post = published(team, fake_mastodon, fake_bluesky)
    outsider = press_officer(mission_tokyo, "tokyo-press")
    with pytest.raises(NotFound):
        replies_send(actor=actor_of(outsider), post_id=post.pk)


# --- Parsers (outside input) -----------------------------------------------------------------------------


def test_parsers_read_the_documented_shapes() -> None:
    counts = parsing.mastodon_counts(b'{"id": "1", "favourites_count": 3, "reblogs_count": 1, "replies_count": 0}')
    assert (counts.likes, counts.reposts, counts.replies, counts.quotes) == (3, 1, 0, None)
    thread = (
        b'{"thread": {"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "likeCount": 5, "repostCount": 2,'
        b' "replyCount": 1, "quoteCount": 0}, "replies": [{"post": {"uri": "at://did:plc:b/app.bsky.feed.post/2",'
        b' "author": {"handle": "b.bsky.test"}, "record": {"text": "Hi", "langs": ["en-GB"],'
        b' "createdAt": "2026-01-02T09:30:00Z"}}}, {"post": "junk"}]}}'
    )
    assert parsing.bluesky_counts(thread).likes == 5
    [reply] = parsing.bluesky_replies(thread, web_base="https://bsky.app")
    assert (reply.author, reply.language, reply.url) == (
        "@b.bsky.test",
        "en",
        "https://bsky.app/profile/b.bsky.test/post/2",
    )
    with pytest.raises(MalformedResponse):
        parsing.mastodon_counts(b'{"favourites_count": -1, "reblogs_count": 0, "replies_count": 0}')
    with pytest.raises(MalformedResponse):
        parsing.mastodon_mentions(b'{"not": "a list"}')


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(JSON, st.binary(max_size=60)))
def test_parsers_return_or_raise_malformed_on_anything(value: object) -> None:
    import json

    body = value if isinstance(value, bytes) else json.dumps(value).encode()
    for parse in (
        parsing.mastodon_counts,
        parsing.mastodon_replies,
        parsing.mastodon_mentions,
        parsing.bluesky_counts,
        lambda b: parsing.bluesky_replies(b, web_base="https://bsky.app"),
        lambda b: parsing.bluesky_mentions(b, web_base="https://bsky.app"),
    ):
        with contextlib.suppress(MalformedResponse):
            parse(body)
