"""The ``chancery demo`` seed: the ministry's structure, one user of every role, and a few post reports.

Idempotent: running it again leaves the same rows, and the same passwords and TOTP secrets, which are
read back from ``var/demo-credentials.json`` (0600) when it exists. Organisations, compartments and
reports go through the missions services (so they are validated and audited); demo users are created
here directly, as nothing else in Chancery creates accounts from a list.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from chancery.agreements.demo import agreements_demo_seed
from chancery.audit.services import audit_record
from chancery.awareness.demo import awareness_demo_seed
from chancery.cables.demo import cables_demo_seed
from chancery.chat.demo import chat_demo_seed
from chancery.demo.credentials import (
    CREDENTIALS_FILE,
    DemoCredential,
    credentials_read,
    credentials_write,
    print_credentials,
)
from chancery.intelligence.demo import intelligence_demo_seed
from chancery.missions import selectors as missions_selectors
from chancery.missions import services as missions_services
from chancery.outreach.demo import outreach_demo_seed
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.risk.demo import risk_demo_seed
from chancery.vault.demo import vault_demo_seed

DATA_DIR = Path(__file__).with_name("data")
PASSWORD_BYTES = 18  # 24 URL-safe characters
SEED_ACTOR = Actor.system(purpose="demo-seed")

__all__ = ["DemoCredential", "demo_seed", "print_credentials"]


@dataclass(frozen=True, slots=True)
class _SeedData:
    organisations: list[dict[str, Any]]
    compartments: list[dict[str, Any]]
    users: list[dict[str, Any]]
    reports: list[dict[str, Any]]


def _load() -> _SeedData:
    organisations = json.loads((DATA_DIR / "organisations.json").read_text(encoding="utf-8"))["organisations"]
    seed = json.loads((DATA_DIR / "seed.json").read_text(encoding="utf-8"))
    return _SeedData(
        organisations=organisations,
        compartments=seed["compartments"],
        users=seed["users"],
        reports=seed["reports"],
    )


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        yield progress


def demo_seed(var_dir: Path, console: Console) -> list[DemoCredential]:
    """Seed the demo data and return every demo user's login, in a stable order.

    Needs a migrated database and ``var_dir`` (made private, 0700). Creates or updates the organisations
    and compartments, a user in every role with a password and a TOTP authenticator, and the demo post
    reports; writes ``var_dir/demo-credentials.json`` (0600). Emits the audit events of the services it
    calls and ``demo.user_created`` for each new user; nothing when everything already exists.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o700)
    data = _load()
    credentials_path = var_dir / CREDENTIALS_FILE
    known = credentials_read(credentials_path)
    credentials: list[DemoCredential] = []
    with _progress(console) as progress:
        step = progress.add_task("Organisations", total=len(data.organisations))
        for row in data.organisations:
            missions_services.organisation_upsert(
                actor=SEED_ACTOR,
                code=row["code"],
                kind=row["kind"],
                name_en=row["name_en"],
                name_vi=row["name_vi"],
                parent_code=row.get("parent"),
                country_code=row.get("country_code", ""),
                city=row.get("city", ""),
            )
            progress.advance(step)
        step = progress.add_task("Compartments", total=len(data.compartments))
        for row in data.compartments:
            missions_services.compartment_upsert(
                actor=SEED_ACTOR, code=row["code"], name_en=row["name_en"], name_vi=row["name_vi"]
            )
            progress.advance(step)
        step = progress.add_task("Demo users (password hashing takes a moment)", total=len(data.users))
        for row in data.users:
            credentials.append(_user_seed(row, known.get(row["username"])))
            progress.advance(step)
        credentials_write(credentials_path, credentials)
        step = progress.add_task("Post reports", total=len(data.reports))
        for row in data.reports:
            _report_seed(row)
            progress.advance(step)
        step = progress.add_task("Vault documents", total=None)
        vault_demo_seed()
        agreements_demo_seed()
        cables_demo_seed()
        chat_demo_seed()
        outreach_demo_seed()
        awareness_demo_seed()
        progress.update(step, total=1, completed=1)
        step = progress.add_task("Intelligence corpus (enrichment takes a moment)", total=None)
        intelligence_demo_seed()
        progress.update(step, total=1, completed=1)
        step = progress.add_task("Risk forecasts (fitting the models takes a moment)", total=None)
        risk_demo_seed()
        progress.update(step, total=1, completed=1)
    console.print(f"[green]Demo data ready:[/] {len(credentials)} users; logins saved to {credentials_path.name}")
    return credentials


def _new_password(user: Any) -> str:
    while True:
        candidate = secrets.token_urlsafe(PASSWORD_BYTES)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


def _user_seed(row: dict[str, Any], known: DemoCredential | None) -> DemoCredential:
    user_model = get_user_model()
    organisation = missions_selectors.organisation_get(actor=SEED_ACTOR, code=row["organisation"])
    clearance = Classification[row["clearance"]]
    with transaction.atomic():
        user, created = user_model.objects.select_for_update().get_or_create(
            username=row["username"],
            defaults={"role": row["role"], "clearance": clearance, "organisation": organisation},
        )
        user.first_name = row["first_name"]
        user.last_name = row["last_name"]
        user.role = row["role"]
        user.clearance = int(clearance)
        user.organisation = organisation
        user.is_active = True
        password = known.password if known is not None else ""
        if not password or not user.check_password(password):
            password = password or _new_password(user)
            user.set_password(password)
        user.save()
        user.compartments.set(missions_selectors.compartment_list(codes=row["compartments"]))
        totp_secret = _totp_seed(user, known.totp_secret if known is not None else "")
        if created:
            audit_record(
                actor=SEED_ACTOR,
                action="demo.user_created",
                object_type="identity.user",
                object_id=user.pk,
                detail={"username": user.username, "role": user.role, "clearance": int(clearance)},
            )
    return DemoCredential(
        username=user.username,
        password=password,
        totp_secret=totp_secret,
        role=row["role"],
        clearance=clearance.name,
        organisation=organisation.code,
    )


def _totp_seed(user: Any, secret: str) -> str:
    """Keep the user's TOTP authenticator on ``secret`` (a new one when empty); return the secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        try:
            current = decrypt(existing.data["secret"])
        except Exception:  # noqa: BLE001 - an unreadable secret (e.g. a new SECRET_KEY) is replaced
            current = ""
        if current and (not secret or current == secret):
            return str(current)
        existing.delete()
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _report_seed(row: dict[str, Any]) -> None:
    author = get_user_model().objects.get(username=row["author"])
    actor = Actor.from_user(author)
    if missions_selectors.report_list(actor=actor).filter(title_en=row["title_en"]).exists():
        return
    missions_services.report_create(
        actor=actor,
        title_en=row["title_en"],
        title_vi=row["title_vi"],
        body=row["body"],
        classification=int(Classification[row["classification"]]),
        compartment_codes=row["compartments"],
        tlp=TLP(row["tlp"]).value,
        shared_with_codes=row["shared_with"],
    )
