"""Fixtures running the local fake Mastodon and Bluesky servers (see chancery.outreach.fake_servers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon


@pytest.fixture
def fake_mastodon() -> Iterator[FakeMastodon]:
    server = FakeMastodon().start()
    yield server
    server.stop()


@pytest.fixture
def fake_bluesky() -> Iterator[FakeBluesky]:
    server = FakeBluesky().start()
    yield server
    server.stop()
