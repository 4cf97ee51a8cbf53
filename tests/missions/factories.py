"""Factories for the missions domain's tests."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from chancery.missions.models import PostReport
from chancery.platform.enums import TLP, Classification
from tests.factories import MissionFactory, UserFactory


class PostReportFactory(DjangoModelFactory[PostReport]):
    class Meta:
        model = PostReport
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    title_en = factory.Sequence(lambda n: f"Report {n}")
    title_vi = factory.Sequence(lambda n: f"Báo cáo {n}")
    body = "Body text that must never reach an audit event."
    classification = Classification.INTERNAL
    tlp = TLP.RED
    author = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..mission"))

    @factory.post_generation
    def compartments(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.compartments.set(extracted)

    @factory.post_generation
    def shared_with(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.shared_with.set(extracted)
