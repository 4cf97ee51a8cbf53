"""A bilingual post through two approval steps to verified publication, retries and failure alerts."""

from __future__ import annotations

import pytest

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.missions.models import Organisation
from chancery.outreach import selectors, services
from chancery.outreach.account_services import account_check
from chancery.outreach.enums import PostState, TargetState
from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon
from chancery.outreach.models import Post
from chancery.outreach.publishing import backoff, posts_publish_due
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.platform.events.models import Event
from tests.conftest import actor_of
from tests.outreach.factories import TEXT_EN, TEXT_VI, accounts_on_fakes, draft, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="outreach.publish")


@pytest.fixture
def team(ministry: Organisation) -> dict[str, object]:
    author = press_officer(ministry)
    reviewer = press_officer(ministry, "reviewer")
    spokes_a = user("spokes-a", Role.ADMINISTRATOR, ministry)
    spokes_b = user("spokes-b", Role.DESK_OFFICER, ministry)
    two_step_workflow(author, [reviewer], [spokes_a, spokes_b])
    return {"author": author, "reviewer": reviewer, "spokes_a": spokes_a, "spokes_b": spokes_b}


def _approved(team: dict[str, object], post: Post) -> Post:
    services.post_submit(actor=actor_of(team["author"]), post_id=post.pk)  # type: ignore[arg-type]
    for name in ("reviewer", "spokes_a", "spokes_b"):
        post = services.post_approve(actor=actor_of(team[name]), post_id=post.pk)  # type: ignore[arg-type]
    return post


def test_two_steps_then_verified_publication_with_urls(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)  # type: ignore[arg-type]
    post = draft(author, accounts)  # type: ignore[arg-type]
    services.post_submit(actor=actor_of(author), post_id=post.pk)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):  # tier 2 cannot jump ahead of tier 1
        services.post_approve(actor=actor_of(team["spokes_a"]), post_id=post.pk)  # type: ignore[arg-type]
    services.post_approve(actor=actor_of(team["reviewer"]), post_id=post.pk)  # type: ignore[arg-type]
    post = services.post_approve(actor=actor_of(team["spokes_a"]), post_id=post.pk)  # type: ignore[arg-type]
    assert post.state == PostState.IN_APPROVAL  # all-of: spokes_b still missing
    post = services.post_approve(actor=actor_of(team["spokes_b"]), post_id=post.pk)  # type: ignore[arg-type]
    assert post.state == PostState.APPROVED

    assert posts_publish_due(actor=SYSTEM) == 2
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.statement_published_at is not None
    targets = {t.account.platform: t for t in post.targets.select_related("account")}
    mastodon_status = fake_mastodon.state.posts[targets["mastodon"].remote_id]
    assert mastodon_status["content"] == f"<p>{TEXT_VI}</p>"
    assert targets["mastodon"].url == mastodon_status["url"]
    assert targets["bluesky"].url.endswith(f"/post/{targets['bluesky'].idempotency_key}")
    assert fake_bluesky.state.posts[targets["bluesky"].remote_id]["value"]["text"] == TEXT_EN
    assert list(selectors.statements_public(actor=Actor.anonymous())) == [post]
    assert posts_publish_due(actor=SYSTEM) == 0  # nothing left to do
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 1


def test_both_versions_must_be_approved_and_editing_expires_approvals(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = team["author"]
    accounts = accounts_on_fakes(author, fake_mastodon, fake_bluesky)  # type: ignore[arg-type]
    post = draft(author, accounts)  # type: ignore[arg-type]
    services.post_submit(actor=actor_of(author), post_id=post.pk)  # type: ignore[arg-type]
    services.post_approve(actor=actor_of(team["reviewer"]), post_id=post.pk, languages=["vi"])  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):  # step 1 not passed: English not approved yet
        services.post_approve(actor=actor_of(team["spokes_a"]), post_id=post.pk)  # type: ignore[arg-type]
    services.post_approve(actor=actor_of(team["reviewer"]), post_id=post.pk, languages=["en"])  # type: ignore[arg-type]
    services.post_approve(actor=actor_of(team["spokes_a"]), post_id=post.pk)  # type: ignore[arg-type]
    services.post_approve(actor=actor_of(team["spokes_b"]), post_id=post.pk)  # type: ignore[arg-type]
    edited = services.post_update(
        actor=actor_of(author),  # type: ignore[arg-type]
        post_id=post.pk,
        content=services.PostIn(
            title="Cooperation agreement",
            text_vi=TEXT_VI,
            text_en=TEXT_EN + " Together.",
            account_ids=[a.pk for a in accounts],
            scheduled_for=post.scheduled_for,
        ),
    )
    assert edited.state == PostState.IN_APPROVAL
    steps = selectors.post_steps(actor=actor_of(author), post=edited)  # type: ignore[arg-type]
    assert steps[0].approved_by["vi"] == {team["reviewer"].pk}  # type: ignore[attr-defined]
    assert steps[0].approved_by["en"] == frozenset()  # expired with the change
    assert posts_publish_due(actor=SYSTEM) == 0
    assert fake_mastodon.state.writes == 0


def test_the_author_never_approves_their_own_post(
    ministry: Organisation, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    author = press_officer(ministry)
    other = press_officer(ministry, "other")
    two_step_workflow(author, [author, other], [author, other], second_mode="all")
    post = draft(author, accounts_on_fakes(author, fake_mastodon, fake_bluesky))
    services.post_submit(actor=actor_of(author), post_id=post.pk)
    with pytest.raises(PermissionDenied):
        services.post_approve(actor=actor_of(author), post_id=post.pk)
    services.post_approve(actor=actor_of(other), post_id=post.pk)
    post = services.post_approve(actor=actor_of(other), post_id=post.pk)
    assert post.state == PostState.APPROVED  # "all of" means all of the others


def test_a_retry_after_a_timeout_does_not_double_post(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)  # type: ignore[arg-type]
    post = _approved(team, draft(team["author"], accounts))  # type: ignore[arg-type]
    fake_mastodon.fail_next("drop")
    fake_bluesky.fail_next("drop")
    posts_publish_due(actor=SYSTEM)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING
    assert set(post.targets.values_list("state", flat=True)) == {TargetState.RETRYING}
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 1  # they did go out
    later = max(t.next_attempt_at for t in post.targets.all() if t.next_attempt_at is not None)
    assert posts_publish_due(actor=SYSTEM, now=later) == 2
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 1
    assert len(fake_mastodon.state.posts) == len(fake_bluesky.state.posts) == 1


def test_a_connector_failure_alerts_and_the_post_stays_recoverable(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)  # type: ignore[arg-type]
    post = _approved(team, draft(team["author"], accounts))  # type: ignore[arg-type]
    fake_mastodon.revoked = True
    posts_publish_due(actor=SYSTEM)
    post.refresh_from_db()
    assert post.state == PostState.ATTENTION
    assert post.statement_published_at is not None  # the ministry's channel still has it
    failed = post.targets.get(state=TargetState.FAILED)
    assert failed.account.platform == "mastodon"
    assert post.targets.get(account__platform="bluesky").state == TargetState.PUBLISHED
    alerted = set(Event.objects.filter(kind="outreach.publish_failed").values_list("user_id", flat=True))
    assert {team["author"].pk, team["reviewer"].pk, team["spokes_a"].pk} <= alerted  # type: ignore[attr-defined]
    assert team["spokes_b"].pk not in alerted  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="outreach.publish_failed", outcome="failure").exists()

    failed.account.refresh_from_db()
    assert failed.account.status == "reauthorise"  # revoked credentials are never used again unchecked
    fake_mastodon.revoked = False
    account_check(actor=actor_of(team["reviewer"]), account_id=failed.account_id)  # type: ignore[arg-type]
    services.post_recover(actor=actor_of(team["reviewer"]), post_id=post.pk)  # type: ignore[arg-type]
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED  # the immediate task backend ran the publishing run
    assert fake_mastodon.state.writes == fake_bluesky.state.writes == 1


def test_transient_failures_back_off_then_alert(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky, settings: object
) -> None:
    settings.OUTREACH_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)[:1]  # type: ignore[arg-type]
    post = _approved(team, draft(team["author"], accounts))  # type: ignore[arg-type]
    fake_mastodon.fail_next("429")
    fake_mastodon.fail_next("500")
    posts_publish_due(actor=SYSTEM)
    target = post.targets.get()
    assert target.state == TargetState.RETRYING
    assert target.last_error == "mastodon: rate limited (HTTP 429)"
    assert posts_publish_due(actor=SYSTEM, now=target.next_attempt_at) == 1
    target.refresh_from_db()
    assert target.state == TargetState.FAILED
    assert Post.objects.get(pk=post.pk).state == PostState.ATTENTION
    assert fake_mastodon.state.writes == 0


def test_backoff_doubles_and_honours_retry_after() -> None:
    assert backoff(1).total_seconds() == 60
    assert backoff(3).total_seconds() == 240
    assert backoff(1, retry_after=600).total_seconds() == 600
    assert backoff(30).total_seconds() == 6 * 3600


def test_a_version_over_a_target_limit_is_refused_with_the_field(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    accounts = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as raised:
        draft(team["author"], accounts, text_en="word " * 61)  # type: ignore[arg-type]  # 305 graphemes
    assert list(raised.value.errors) == ["text_en"]
    assert "bluesky" in raised.value.errors["text_en"][0]
    assert Post.objects.count() == 0


def test_only_the_system_runs_publishing(team: dict[str, object]) -> None:
    with pytest.raises(PermissionDenied):
        posts_publish_due(actor=actor_of(team["author"]))  # type: ignore[arg-type]


def test_credentials_are_sealed(
    team: dict[str, object], fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky
) -> None:
    from chancery.outreach.credentials import credentials_open
    from chancery.vault.key_holders import key_holders

    account = accounts_on_fakes(team["author"], fake_mastodon, fake_bluesky)[0]  # type: ignore[arg-type]
    assert b"fake-mastodon-token" not in bytes(account.credentials_sealed)
    assert credentials_open(account) == {"access_token": "fake-mastodon-token"}
    assert account.max_characters == 500
    assert "outreach.account" in {holder.name for holder in key_holders()}


def test_a_post_without_accounts_goes_only_to_the_ministry_channel(team: dict[str, object]) -> None:
    post = _approved(team, draft(team["author"], []))  # type: ignore[arg-type]
    assert post.state == PostState.APPROVED
    posts_publish_due(actor=SYSTEM)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert list(selectors.statements_public(actor=Actor.anonymous())) == [post]
