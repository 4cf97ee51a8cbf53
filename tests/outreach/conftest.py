"""Outreach fixtures: the fake platform servers."""

from tests.outreach.fakes import fake_bluesky, fake_mastodon

__all__ = ["fake_bluesky", "fake_mastodon"]
