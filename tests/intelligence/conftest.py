"""Intelligence fixtures: an analyst, a partner user, and a helper building connector items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from chancery_analytics.ingest.base import RawItem
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Run in English so that messages can be matched."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def analyst(ministry: Organisation) -> User:
    department = OrganisationFactory(code="dept-economic", kind="department", parent=ministry)
    return UserFactory(
        username="analyst",
        role="analyst",
        organisation=department,
        clearance=Classification.SECRET,
        email="analyst@example.org",
    )


@pytest.fixture
def partner_user() -> User:
    partner = OrganisationFactory(code="partner-jp", kind="partner_ministry", country_code="JP")
    return UserFactory(username="partner", role="partner", organisation=partner, clearance=Classification.INTERNAL)


def raw(
    external_id: str,
    text: str,
    *,
    title: str = "",
    source: str = "test:batch",
    published: datetime | None = None,
    lang: str | None = None,
    kind: str = "article",
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> RawItem:
    """Return a connector item."""
    return RawItem(
        source=source,
        kind=kind,
        external_id=external_id,
        url=url,
        title=title,
        text=text,
        published=published or datetime(2026, 11, 20, 9, tzinfo=UTC),
        lang=lang,
        extra=extra or {},
    )


VI_TEXT = (
    "Việt Nam và Nhật Bản ký thỏa thuận hợp tác kinh tế tại Hà Nội. Bộ trưởng Ngoại giao hai nước "
    "cam kết thúc đẩy thương mại và đầu tư, đồng thời trao đổi về tình hình Biển Đông."
)
EN_TEXT = (
    "Japan and Viet Nam signed an economic cooperation agreement in Hanoi on Monday. The foreign ministers "
    "pledged to expand trade and investment."
)
CONFLICT_TEXT = (
    "Heavy fighting broke out in the Tigray region of Ethiopia as government troops attacked rebel positions; "
    "dozens of civilians were killed."
)


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
