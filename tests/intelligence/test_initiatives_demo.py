"""The demo's initiative trackers are populated over the demo corpus."""

from __future__ import annotations

from datetime import date

import pytest

from chancery.identity.models import User
from chancery.intelligence import demo
from chancery.intelligence.initiatives_selectors import initiative_tracker
from chancery.intelligence.models import Initiative
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def test_demo_trackers_are_populated(analyst: User) -> None:
    today = date(2026, 11, 28)
    demo.intelligence_demo_seed(today=today)
    assert Initiative.objects.count() == len(demo.INITIATIVES)
    for initiative in Initiative.objects.all():
        tracker = initiative_tracker(actor=actor_of(analyst), initiative_id=initiative.pk, today=today)
        assert tracker.overall.n >= 30  # the demo corpus holds 81 and 42 stories for its two initiatives
        assert sum(1 for bucket in tracker.buckets if bucket.reading.n) >= 10
        assert tracker.models
        assert tracker.cutoff is not None
