"""The demo seed: idempotent, every role, real missions with valid ISO codes, credentials that work."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.test import RequestFactory
from rich.console import Console

from chancery.agreements.models import Obligation
from chancery.audit.models import AuditEvent
from chancery.cables.models import Cable
from chancery.chat.models import Channel
from chancery.demo.seed import DemoCredential, demo_seed, print_credentials
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.countries import is_country_code
from chancery.missions.enums import MISSION_KINDS
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.outreach.models import Campaign as OutreachCampaign
from chancery.outreach.models import Post as OutreachPost
from chancery.outreach.models import Template as OutreachTemplate
from chancery.platform.enums import Classification
from tests.conftest import current_totp_code

pytestmark = pytest.mark.django_db


def quiet() -> Console:
    return Console(file=io.StringIO(), width=200)


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, list[DemoCredential]]:
    return tmp_path, demo_seed(var_dir=tmp_path, console=quiet())


def _snapshot() -> dict[str, object]:
    return {
        "organisations": sorted(Organisation.objects.values_list("code", "kind", "parent__code", "country_code")),
        "compartments": sorted(Compartment.objects.values_list("code", flat=True)),
        "users": sorted(User.objects.values_list("username", "role", "clearance", "organisation__code")),
        "user_ids": sorted(User.objects.values_list("pk", flat=True)),
        "reports": sorted(PostReport.objects.values_list("pk", "mission__code", "classification", "tlp")),
        "authenticators": Authenticator.objects.count(),
    }


def test_seeding_twice_is_idempotent(seeded: tuple[Path, list[DemoCredential]]) -> None:
    var_dir, first = seeded
    before = _snapshot()
    events = AuditEvent.objects.count()
    second = demo_seed(var_dir=var_dir, console=quiet())
    assert second == first  # same passwords and TOTP secrets
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events  # nothing changed, so nothing was audited


def _vault_emptied() -> None:
    """Remove the demo's vault rows (children first: the vault's foreign keys protect their parents)."""
    from chancery.vault import models as vault

    for model in (vault.Comment, vault.LegalHold, vault.DisposalRecord, vault.Share):
        model.objects.all().delete()
    vault.DocumentVersion.objects.filter(restored_from__isnull=False).delete()
    vault.DocumentVersion.objects.all().delete()
    vault.Document.objects.all().delete()


def test_reseeding_an_empty_database_reuses_the_credentials_file(seeded: tuple[Path, list[DemoCredential]]) -> None:
    var_dir, first = seeded
    PostReport.objects.all().delete()
    _vault_emptied()
    Obligation.objects.all().delete()  # the agreements demo's illustrative obligations name their owners
    Cable.objects.all().delete()  # the cables demo's illustrative traffic names its drafters and approvers
    Channel.objects.all().delete()  # the chat demo's channels and messages name their creators and authors
    OutreachPost.objects.all().delete()  # the outreach demo's posts name their authors and approvers
    OutreachCampaign.objects.all().delete()  # and its campaigns their creators
    OutreachTemplate.objects.all().delete()  # and its reusable templates theirs
    Authenticator.objects.all().delete()
    User.objects.all().delete()
    assert demo_seed(var_dir=var_dir, console=quiet()) == first
    desk = next(credential for credential in first if credential.role == "desk_officer")
    assert authenticate(RequestFactory().post("/"), username=desk.username, password=desk.password) is not None


def test_every_role_has_a_demo_user_with_a_sensible_organisation(seeded: tuple[Path, list[DemoCredential]]) -> None:
    _, credentials = seeded
    assert {credential.role for credential in credentials} == set(Role.values)
    for user in User.objects.select_related("organisation"):
        assert user.organisation is not None
        if user.role == Role.PARTNER:
            assert user.organisation.is_external
            assert user.clearance <= Classification.INTERNAL
        else:
            assert not user.organisation.is_external
        if user.role == Role.MISSION_OFFICER:
            assert user.organisation.is_mission
    clearances = set(User.objects.values_list("clearance", flat=True))
    assert Classification.INTERNAL in clearances
    assert any(level >= Classification.CONFIDENTIAL for level in clearances)


def test_at_least_fifteen_real_missions_with_valid_country_codes(seeded: tuple[Path, list[DemoCredential]]) -> None:
    missions = Organisation.objects.filter(kind__in=sorted(MISSION_KINDS))
    assert missions.count() >= 15
    for mission in missions:
        assert is_country_code(mission.country_code), mission.code
        assert mission.city
        assert mission.parent is not None
        assert mission.parent.code == "mofa"
    codes = set(missions.values_list("code", flat=True))
    for expected in (
        "emb-washington",
        "emb-beijing",
        "emb-tokyo",
        "emb-seoul",
        "emb-moscow",
        "emb-new-delhi",
        "emb-canberra",
        "emb-paris",
        "emb-berlin",
        "emb-london",
        "emb-brussels",
        "emb-singapore",
        "emb-jakarta",
        "pm-un-new-york",
        "pm-un-geneva",
        "pm-asean",
        "cg-san-francisco",
    ):
        assert expected in codes
    washington = Organisation.objects.get(code="emb-washington")
    assert washington.name_vi == "Đại sứ quán Việt Nam tại Hoa Kỳ"
    assert washington.country_code == "US"
    assert Organisation.objects.filter(kind="department").count() >= 7
    assert Organisation.objects.filter(kind="partner_ministry").exists()
    assert Organisation.objects.filter(kind="international_organisation").exists()


def test_demo_compartments_and_reports(seeded: tuple[Path, list[DemoCredential]]) -> None:
    assert {"south-china-sea", "trade-negotiations", "consular-crisis"} <= set(
        Compartment.objects.values_list("code", flat=True)
    )
    levels = set(PostReport.objects.values_list("classification", flat=True))
    assert {Classification.UNCLASSIFIED, Classification.INTERNAL, Classification.CONFIDENTIAL} <= levels
    assert PostReport.objects.filter(shared_with__kind="partner_ministry").exists()


def test_credentials_file_matches_the_database(seeded: tuple[Path, list[DemoCredential]]) -> None:
    var_dir, credentials = seeded
    path = var_dir / "demo-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert [row["username"] for row in rows] == [credential.username for credential in credentials]
    assert len(rows) == User.objects.count()
    for row in rows:
        user = User.objects.get(username=row["username"])
        assert user.role == row["role"]
        assert Classification(user.clearance).name == row["clearance"]
        assert user.organisation is not None
        assert user.organisation.code == row["organisation"]
        assert len(row["password"]) >= 16
        validate_password(row["password"], user)
        assert authenticate(RequestFactory().post("/"), username=row["username"], password=row["password"]) == user
        totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
        assert totp.validate_code(current_totp_code(row["totp_secret"]))


def test_passwords_differ_between_users(seeded: tuple[Path, list[DemoCredential]]) -> None:
    _, credentials = seeded
    assert len({credential.password for credential in credentials}) == len(credentials)
    assert len({credential.totp_secret for credential in credentials}) == len(credentials)


@pytest.mark.parametrize("width", [80, 200])
def test_print_credentials_shows_every_secret_unbroken(seeded: tuple[Path, list[DemoCredential]], width: int) -> None:
    _, credentials = seeded
    buffer = io.StringIO()
    print_credentials(credentials, Console(file=buffer, width=width))
    output = buffer.getvalue()
    for credential in credentials:
        assert credential.password in output
        assert credential.totp_secret in output
        assert credential.username in output
