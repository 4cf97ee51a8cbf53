"""Key-encryption keys in HashiCorp Vault's Transit engine (ASVS V13.3.1), against a local fake Vault over TLS:
wrap and unwrap bound to a context, rotation by rewrap, retirement, token and AppRole logins, and the move
from the keyring file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.deployment import deployment_checklist
from chancery.platform.errors import InvalidInput
from chancery.vault import sealing
from chancery.vault.kek_transit import TransitConfig, TransitKeyring, _cache
from chancery.vault.keyring import KeyringError
from chancery.vault.maintenance import keys_rotate
from chancery.vault.models import DocumentVersion
from tests.conftest import actor_of
from tests.security.fake_clamd import closed_port_url
from tests.security.fake_vault import VaultState, fake_vault
from tests.security.tls_fakes import LocalPKI, make_pki
from tests.vault.helpers import download, upload

SYSTEM = Actor.system(purpose="tests")
CONTEXT = b"chancery-vault-version:0123"


@pytest.fixture
def pki(tmp_path: Path) -> LocalPKI:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def vault(settings: Any, pki: LocalPKI, tmp_path: Path) -> Iterator[VaultState]:
    """A fake Vault with the Transit back-end configured for it (token login)."""
    _cache.clear()
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    with fake_vault(pki) as state:
        settings.VAULT_KEK_BACKEND = "transit"
        settings.VAULT_TRANSIT_URL = f"https://127.0.0.1:{state.port}"
        settings.VAULT_TRANSIT_TOKEN = state.root_token
        settings.VAULT_TRANSIT_CA_FILE = str(pki.ca_file)
        settings.VAULT_TRANSIT_MOUNT = "transit"
        settings.VAULT_TRANSIT_KEY = "chancery-kek"
        yield state
    _cache.clear()


def _ring() -> TransitKeyring:
    ring = sealing.keyring()
    assert isinstance(ring, TransitKeyring)
    return ring


def test_a_data_key_wraps_in_vault_and_only_opens_in_its_context(vault: VaultState) -> None:
    ring = _ring()
    data_key = bytes(range(32))
    kek_id, wrapped = ring.wrap(data_key, context=CONTEXT)
    assert kek_id == "transit:chancery-kek:v1"
    assert wrapped.startswith(b"vault:v1:")
    assert data_key not in wrapped
    assert ring.unwrap(kek_id, wrapped, context=CONTEXT) == data_key
    with pytest.raises(KeyringError, match="message authentication failed"):
        ring.unwrap(kek_id, wrapped, context=b"chancery-vault-version:other")
    with pytest.raises(KeyringError, match="does not belong"):
        ring.unwrap("transit:chancery-kek:v9", wrapped, context=CONTEXT)
    assert vault.keys["chancery-kek"].derived  # created at first use, derived
    assert "POST /v1/transit/encrypt/chancery-kek" in vault.calls


@pytest.mark.django_db
def test_documents_seal_under_transit_and_rotation_rewraps_them_in_vault(vault: VaultState, desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    first = upload(actor, b"first secret")
    second = upload(actor, b"second secret")
    assert set(DocumentVersion.objects.values_list("kek_id", flat=True)) == {"transit:chancery-kek:v1"}
    report = keys_rotate(actor=SYSTEM)
    assert report.new_kek_id == "transit:chancery-kek:v2"
    assert report.rewrapped == 2
    assert report.retired == ["transit:chancery-kek:v1"]
    assert vault.calls.count("POST /v1/transit/rewrap/chancery-kek") == 2
    assert vault.keys["chancery-kek"].min_decryption_version == 2  # version 1 no longer decrypts
    for version in DocumentVersion.objects.all():
        assert bytes(version.wrapped_key).startswith(b"vault:v2:")
    assert download(actor, first) == b"first secret"
    assert download(actor, second) == b"second secret"
    states = {kek.id: (kek.active, kek.key is None) for kek in _ring().keys}
    assert states == {"transit:chancery-kek:v1": (False, True), "transit:chancery-kek:v2": (True, False)}


@pytest.mark.django_db
def test_keys_wrapped_by_the_keyring_file_move_into_transit_on_rotation(
    settings: Any, pki: LocalPKI, tmp_path: Path, desk_officer: User
) -> None:
    _cache.clear()
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    actor = actor_of(desk_officer)
    document = upload(actor, b"sealed under the file keyring")
    assert DocumentVersion.objects.get().kek_id.startswith("kek-")
    with fake_vault(pki) as state:
        settings.VAULT_KEK_BACKEND = "transit"
        settings.VAULT_TRANSIT_URL = f"https://127.0.0.1:{state.port}"
        settings.VAULT_TRANSIT_TOKEN = state.root_token
        settings.VAULT_TRANSIT_CA_FILE = str(pki.ca_file)
        assert download(actor, document) == b"sealed under the file keyring"  # the file still unwraps
        report = keys_rotate(actor=SYSTEM)
        assert report.rewrapped == 1
        assert DocumentVersion.objects.get().kek_id.startswith("transit:")
        assert download(actor, document) == b"sealed under the file keyring"
        assert any(kek.id.startswith("kek-") and kek.key is None for kek in _ring().keys)  # file key retired
    _cache.clear()


def test_approle_logs_in_and_logs_in_again_when_the_token_expires(settings: Any, vault: VaultState) -> None:
    settings.VAULT_TRANSIT_TOKEN = ""
    settings.VAULT_TRANSIT_ROLE_ID = vault.role_id
    settings.VAULT_TRANSIT_SECRET_ID = vault.secret_id
    _cache.clear()
    ring = _ring()
    kek_id, wrapped = ring.wrap(b"k" * 32, context=CONTEXT)
    assert vault.logins == 1
    vault.expire_tokens()
    assert ring.unwrap(kek_id, wrapped, context=CONTEXT) == b"k" * 32
    assert vault.logins == 2  # 403, then a fresh login and the retry


def test_a_wrong_secret_id_or_token_is_a_clear_keyring_error(settings: Any, vault: VaultState) -> None:
    settings.VAULT_TRANSIT_TOKEN = ""
    settings.VAULT_TRANSIT_ROLE_ID = vault.role_id
    settings.VAULT_TRANSIT_SECRET_ID = "wrong"
    _cache.clear()
    with pytest.raises(KeyringError, match="InvalidRequest"):
        _ring().wrap(b"k" * 32, context=CONTEXT)
    settings.VAULT_TRANSIT_TOKEN = "not-a-token"
    _cache.clear()
    with pytest.raises(KeyringError, match="permission denied"):
        _ring().wrap(b"k" * 32, context=CONTEXT)


def test_retirement_goes_oldest_first(vault: VaultState) -> None:
    ring = _ring()
    ring.wrap(b"k" * 32, context=CONTEXT)
    ring.rotate()
    ring.rotate()
    with pytest.raises(KeyringError, match="active"):
        ring.retire("transit:chancery-kek:v3")
    with pytest.raises(KeyringError, match="retire Transit version 1 before version 2"):
        ring.retire("transit:chancery-kek:v2")
    assert ring.retire("transit:chancery-kek:v1").key is None
    assert ring.retire("transit:chancery-kek:v2").key is None
    assert vault.keys["chancery-kek"].min_decryption_version == 3


def test_configuration_problems_are_named(settings: Any) -> None:
    problems = TransitConfig(url="vault.example", mount="transit", key="bad key!", token="").problems()
    assert len(problems) == 3
    with pytest.raises(KeyringError, match="CHANCERY_VAULT_TRANSIT_TOKEN"):
        TransitKeyring(TransitConfig(url="https://vault.example", mount="transit", key="k"))


def test_an_unreachable_vault_is_a_clear_keyring_error(settings: Any, pki: LocalPKI) -> None:
    _cache.clear()
    settings.VAULT_KEK_BACKEND = "transit"
    settings.VAULT_TRANSIT_URL = closed_port_url().replace("tcp://", "https://")
    settings.VAULT_TRANSIT_TOKEN = "t"
    settings.VAULT_TRANSIT_CA_FILE = str(pki.ca_file)
    with pytest.raises(KeyringError, match="cannot be reached"):
        _ring().wrap(b"k" * 32, context=CONTEXT)
    _cache.clear()


@pytest.mark.django_db
def test_the_check_reports_the_transit_key_or_why_it_fails(settings: Any, vault: VaultState) -> None:
    item = next(i for i in deployment_checklist() if i.name == "Key-encryption keys")
    assert item.passed, item.detail
    assert "Vault Transit key 'chancery-kek'" in item.detail
    settings.VAULT_TRANSIT_URL = closed_port_url().replace("tcp://", "https://")
    item = next(i for i in deployment_checklist() if i.name == "Key-encryption keys")
    assert not item.passed
    assert "cannot be reached" in item.detail
    settings.VAULT_KEK_BACKEND = "file"
    item = next(i for i in deployment_checklist() if i.name == "Key-encryption keys")
    assert item.passed
    assert "Keyring file" in item.detail


@pytest.mark.django_db
def test_an_upload_while_vault_is_away_is_refused_clearly_and_stores_nothing(
    settings: Any, pki: LocalPKI, tmp_path: Path, desk_officer: User, english_pages: None
) -> None:
    _cache.clear()
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    settings.VAULT_KEK_BACKEND = "transit"
    settings.VAULT_TRANSIT_URL = closed_port_url().replace("tcp://", "https://")
    settings.VAULT_TRANSIT_TOKEN = "t"
    settings.VAULT_TRANSIT_CA_FILE = str(pki.ca_file)
    with pytest.raises(InvalidInput) as refused:
        upload(actor_of(desk_officer), b"a note")
    assert "encryption keys are not available" in refused.value.errors["file"][0]
    assert not DocumentVersion.objects.exists()
    assert not [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    _cache.clear()
