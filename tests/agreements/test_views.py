"""Pages: list and filters, board, detail with per-party sourced dates, forms naming fields, country, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from chancery.agreements.demo import agreements_demo_seed
from chancery.agreements.models import Agreement, AgreementEvent, Party
from chancery.identity.models import User
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client.force_login(user)
    return client


@pytest.fixture
def seeded(legal_department: object) -> None:
    agreements_demo_seed()


def _id(short_name: str) -> int:
    return Agreement.objects.get(short_name=short_name).pk


def test_pages_require_sign_in(client: Client) -> None:
    names = [
        ("agreements:agreement_list", []),
        ("agreements:agreement_board", []),
        ("agreements:agreement_export", []),
        ("agreements:deadlines", []),
        ("agreements:agreement_detail", [1]),
        ("agreements:agreement_feed", [1]),
        ("agreements:negotiation", [1]),
        ("agreements:text_verify", [1]),
        ("agreements:country_detail", ["VN"]),
    ]
    for name, args in names:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/")
    assert client.get(reverse("agreements:user_feed", args=["guess"])).status_code == 404


def test_list_filters_by_country_and_status(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:agreement_list"), {"country": "JPN", "status": "in_force"})
    names = {a.short_name for a in response.context["page"].object_list}
    assert names == {"AJCEP", "CPTPP", "RCEP", "VJEPA"}
    response = client.get(reverse("agreements:agreement_list"), {"q": "israel"})
    assert [a.short_name for a in response.context["page"].object_list] == ["VIFTA"]


def test_unknown_country_filter_is_a_form_error(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:agreement_list"), {"country": "QQ"})
    assert response.status_code == 400
    assert "country" in response.context["form"].errors


def test_board_has_every_stage(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:agreement_board"))
    columns = {stage.value: [a.short_name for a in items] for stage, items in response.context["columns"]}
    assert "VN-UAE CEPA" in columns["signed"]
    assert "EVFTA" in columns["in_force"]
    assert columns["negotiation"] == []


def test_detail_shows_per_party_dates_with_sources(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    page = client.get(reverse("agreements:agreement_detail", args=[_id("CPTPP")])).content.decode()
    assert "2021-09-19" in page
    assert "2019-01-14" in page
    assert "S19" in page
    vifta = client.get(reverse("agreements:agreement_detail", args=[_id("VIFTA")])).content.decode()
    assert "2024-10-15" in vifta
    assert "2024-11-17" in vifta
    assert "sources disagree" in vifta


def test_event_form_names_the_field_and_saves_nothing(
    client: Client, treaty_officer: User, legal_department: object
) -> None:
    from tests.agreements.conftest import make_agreement

    agreement = make_agreement()
    vn = Party.objects.get(agreement=agreement, country_code="VN").pk
    signed_in(client, treaty_officer)
    url = reverse("agreements:event_record", args=[agreement.pk])
    data = {"kind": "entry_into_force", "party": vn, "date": "2999-01-01", "date_precision": "day", "source": "S1"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "date" in response.context["event_form"].errors
    assert not AgreementEvent.objects.exists()
    data["date"] = "2009-10-01"
    response = client.post(url, data)
    assert response.status_code == 302
    assert AgreementEvent.objects.get().kind == "entry_into_force"


def test_party_form_rejects_unknown_country(client: Client, treaty_officer: User, legal_department: object) -> None:
    from tests.agreements.conftest import make_agreement

    agreement = make_agreement()
    signed_in(client, treaty_officer)
    response = client.post(reverse("agreements:party_add", args=[agreement.pk]), {"country_code": "XYZ"})
    assert response.status_code == 400
    assert "country_code" in response.context["party_form"].errors
    assert agreement.parties.count() == 2


def test_other_department_cannot_record(
    client: Client, other_department_officer: User, legal_department: object
) -> None:
    from tests.agreements.conftest import make_agreement

    agreement = make_agreement()
    signed_in(client, other_department_officer)
    page = client.get(reverse("agreements:agreement_detail", args=[agreement.pk]))
    assert page.context["can_manage"] is False
    vn = Party.objects.get(agreement=agreement, country_code="VN").pk
    data = {"kind": "signature", "party": vn, "date": "2008-12-25", "date_precision": "day", "source": "S1"}
    response = client.post(reverse("agreements:event_record", args=[agreement.pk]), data)
    assert response.status_code == 400
    assert not AgreementEvent.objects.exists()


def test_partner_sees_only_its_agreements(client: Client, partner_user: User, seeded: None) -> None:
    signed_in(client, partner_user)
    listed = {a.short_name for a in client.get(reverse("agreements:agreement_list")).context["page"].object_list}
    assert listed == {"AJCEP", "CPTPP", "VJEPA", "RCEP"}
    assert client.get(reverse("agreements:agreement_detail", args=[_id("EVFTA")])).status_code == 404


def test_country_page_lists_agreements_with_it(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:country_detail", args=["KR"]))
    assert {a.short_name for a in response.context["agreements"]} == {"AKFTA", "VKFTA", "RCEP"}
    assert client.get(reverse("agreements:country_detail", args=["QQ"])).status_code == 404


def test_csv_export_is_filtered_and_formula_safe(client: Client, treaty_officer: User, seeded: None) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:agreement_export"), {"country": "IL"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "short_name"
    assert [row[0] for row in rows[1:]] == ["VIFTA"]
    assert rows[1][7] == "2024-10-15; 2024-11-17"


@pytest.mark.parametrize("name", ["agreements:agreement_list", "agreements:agreement_board"])
def test_list_pages_use_a_bounded_number_of_queries(
    client: Client, treaty_officer: User, seeded: None, name: str, django_assert_max_num_queries: object
) -> None:
    signed_in(client, treaty_officer)
    client.get(reverse(name))  # warm the session and MFA checks
    with django_assert_max_num_queries(18):  # about 14 are sign-in, session and navigation  # type: ignore[operator]
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_detail_page_queries_do_not_grow_with_parties(client: Client, treaty_officer: User, seeded: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, treaty_officer)
    counts = []
    for short_name in ("VKFTA", "CPTPP"):  # 2 parties and 2 events; 12 parties and 24 events
        url = reverse("agreements:agreement_detail", args=[_id(short_name)])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
