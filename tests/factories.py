"""factory_boy factories shared by every domain's tests."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.enums import OrganisationKind
from chancery.missions.models import Compartment, Organisation
from chancery.platform.enums import Classification

TEST_PASSWORD = "correct horse battery staple 42"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    name_vi = factory.LazyAttribute(lambda o: f"Tổ chức {o.code}")
    kind = OrganisationKind.DEPARTMENT


class MissionFactory(OrganisationFactory):
    kind = OrganisationKind.EMBASSY
    country_code = "JP"
    city = "Tokyo"


class CompartmentFactory(DjangoModelFactory[Compartment]):
    class Meta:
        model = Compartment
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"compartment-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Compartment {o.code}")
    name_vi = factory.LazyAttribute(lambda o: f"Ngăn {o.code}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.DESK_OFFICER
    clearance = Classification.INTERNAL
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])
