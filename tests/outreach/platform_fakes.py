"""Fixtures running the local fake X and Facebook servers and the sign-in-capable Mastodon and Bluesky fakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chancery.outreach.fake_platforms import FakeBlueskyAuth, FakeFacebook, FakeMastodonAuth, FakeX


@pytest.fixture
def fake_x() -> Iterator[FakeX]:
    server = FakeX().start()
    yield server
    server.stop()


@pytest.fixture
def fake_facebook() -> Iterator[FakeFacebook]:
    server = FakeFacebook().start()
    yield server
    server.stop()


@pytest.fixture
def fake_mastodon_auth() -> Iterator[FakeMastodonAuth]:
    server = FakeMastodonAuth().start()
    yield server
    server.stop()


@pytest.fixture
def fake_bluesky_auth() -> Iterator[FakeBlueskyAuth]:
    server = FakeBlueskyAuth().start()
    yield server
    server.stop()
