"""Threads: parts checked per platform and language, published as reply chains, idempotent per part."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import services
from chancery.outreach.content import PartIn
from chancery.outreach.content_models import PostPart, TargetPart
from chancery.outreach.delivery import part_key, tid_value
from chancery.outreach.enums import PostState, TargetState
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.forms import split_parts
from chancery.outreach.models import Post
from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from tests.conftest import actor_of
from tests.outreach.factories import accounts_on_fakes, draft, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="outreach.publish")
PARTS = [
    PartIn("Hai bên nhất trí tăng cường hợp tác kinh tế.", "Both sides agreed to deepen economic cooperation."),
    PartIn("Việt Nam sẵn sàng đồng hành cùng các đối tác.", "Viet Nam stands ready to work with its partners."),
]


@pytest.fixture
def team(ministry: Organisation) -> dict[str, Any]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes = user("spokes", Role.ADMINISTRATOR, ministry)
    two_step_workflow(author, [reviewer], [spokes])
    return {"author": author, "reviewer": reviewer, "spokes": spokes}


def _approved(team: dict[str, Any], post: Post) -> Post:
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)
    for name in ("reviewer", "spokes"):
        post = services.post_approve(actor=actor_of(team[name]), post_id=post.pk)
    assert post.state == PostState.APPROVED
    return post


def _targets(post: Post) -> dict[str, Any]:
    return {t.account.platform: t for t in post.targets.select_related("account")}


def test_thread_published_as_reply_chains(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)
    post = _approved(team, draft(team["author"], accounts, parts=PARTS))
    assert PostPart.objects.filter(post=post).count() == 2
    assert posts_publish_due(actor=SYSTEM) == 2
    targets = _targets(post)
    assert all(t.state == TargetState.PUBLISHED for t in targets.values())

    mastodon_parts = list(TargetPart.objects.filter(target=targets["mastodon"]).order_by("position"))
    assert [p.position for p in mastodon_parts] == [1, 2, 3]
    statuses = [fake_mastodon.state.posts[p.remote_id] for p in mastodon_parts]
    assert statuses[0]["in_reply_to_id"] is None
    assert statuses[1]["in_reply_to_id"] == statuses[0]["id"]
    assert statuses[2]["in_reply_to_id"] == statuses[1]["id"]
    assert statuses[2]["content"] == f"<p>{PARTS[1].text_vi}</p>"
    assert targets["mastodon"].remote_id == statuses[0]["id"]

    bluesky_parts = list(TargetPart.objects.filter(target=targets["bluesky"]).order_by("position"))
    records = [fake_bluesky.state.posts[p.remote_id] for p in bluesky_parts]
    assert "reply" not in records[0]["value"]
    root = {"uri": records[0]["uri"], "cid": records[0]["cid"]}
    assert records[1]["value"]["reply"] == {"root": root, "parent": root}
    second = {"uri": records[1]["uri"], "cid": records[1]["cid"]}
    assert records[2]["value"]["reply"] == {"root": root, "parent": second}
    assert records[2]["value"]["text"] == PARTS[1].text_en
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 3


def test_failure_in_the_middle_continues_the_thread_without_a_second_copy(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)
    post = _approved(team, draft(team["author"], accounts, parts=PARTS))
    fake_mastodon.fail_next("")  # part 1 goes through
    fake_mastodon.fail_next("500")  # part 2 fails
    fake_bluesky.fail_next("")
    fake_bluesky.fail_next("drop")  # part 2 is stored, but the answer is lost
    posts_publish_due(actor=SYSTEM)
    targets = _targets(post)
    assert {t.state for t in targets.values()} == {TargetState.RETRYING}
    assert TargetPart.objects.filter(target=targets["mastodon"]).count() == 1

    for target in targets.values():
        type(target).objects.filter(pk=target.pk).update(next_attempt_at=None)
    posts_publish_due(actor=SYSTEM)
    targets = _targets(post)
    assert {t.state for t in targets.values()} == {TargetState.PUBLISHED}
    assert fake_mastodon.state.writes == 3  # parts 1, 2, 3: none twice
    assert fake_bluesky.state.writes == 3
    chain = [fake_mastodon.state.posts[p.remote_id] for p in TargetPart.objects.filter(target=targets["mastodon"])]
    assert [s["in_reply_to_id"] for s in chain] == [None, chain[0]["id"], chain[1]["id"]]


def test_a_part_over_a_platforms_limit_is_refused_with_the_part(
    team: dict[str, Any], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)
    long_english = "Viet Nam " * 40  # 360 graphemes: over Bluesky's 300 (English goes to Bluesky)
    with pytest.raises(InvalidInput) as caught:
        draft(team["author"], accounts, parts=[PartIn("Ngắn gọn.", long_english)])
    assert caught.value.errors["parts"] == ["Part 2 (en) is too long for bluesky mofa.bsky.test: 360/300."]
    with pytest.raises(InvalidInput) as caught:
        draft(team["author"], accounts, parts=[PartIn("Có nội dung.", " ")])
    assert caught.value.errors["parts"] == ["Part 2 needs both language versions."]
    assert not Post.objects.exists()


def test_vietnamese_part_counted_in_graphemes() -> None:
    # "ệ" typed with combining marks: one grapheme, five bytes; 300 of them fit Bluesky's graphemes but
    # not its 3,000 bytes? 300 x 5 = 1,500 bytes: it fits.
    from chancery.outreach.limits import bluesky_check

    assert bluesky_check("e\u0323\u0302" * 300).ok
    assert not bluesky_check("e\u0323\u0302" * 301).ok


def test_part_keys_are_distinct_valid_tids() -> None:
    key = "3kabcdefghijk"
    keys = [part_key(key, n) for n in range(1, 5)]
    assert keys[0] == key
    assert len(set(keys)) == 4
    assert [tid_value(k) for k in keys] == [tid_value(key) + n for n in range(4)]
    assert part_key("not-a-tid", 2) == "not-a-tid-2"


def test_the_forms_thread_box_splits_on_separator_lines() -> None:
    assert split_parts("One.\n---\nTwo,\nstill two.\r\n --- \nThree.\n---\n") == ["One.", "Two,\nstill two.", "Three."]
    assert split_parts("") == []
