"""Malware scanning of uploads through clamd's INSTREAM protocol (ASVS V5.4.3), against a local fake clamd."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.awareness import services as awareness_services
from chancery.identity.models import User
from chancery.platform.antivirus import ClamdScanner, ScannerUnavailable, Verdict, reply_parse, scanner_check
from chancery.platform.deployment import deployment_checklist
from chancery.platform.errors import InvalidInput
from chancery.vault.models import Document
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import actor_of
from tests.security.fake_clamd import EICAR, closed_port_url, fake_clamd
from tests.vault.helpers import upload


@pytest.fixture(autouse=True)
def _own_blob_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    settings.CLAMD_TIMEOUT_SECONDS = 5


def _blob_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.VAULT_BLOB_DIR).rglob("*") if p.is_file()]


# --- The reply parser ---------------------------------------------------------------------------------


def test_the_documented_replies_are_understood() -> None:
    assert reply_parse(b"stream: OK\0") == Verdict(infected=False)
    assert reply_parse(b"stream: Eicar-Test-Signature FOUND\0") == Verdict(
        infected=True, signature="Eicar-Test-Signature"
    )
    assert reply_parse(b"stream: Win.Trojan.Agent-1 FOUND\n") == Verdict(infected=True, signature="Win.Trojan.Agent-1")
    for failure in (b"INSTREAM size limit exceeded. ERROR\0", b"", b"PONG\0", b"stream: maybe\0", b"\xff\0"):
        with pytest.raises(ScannerUnavailable):
            reply_parse(failure)


@hypothesis_settings(deadline=None)
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.\-_:]{0,60}", fullmatch=True))
def test_any_signature_name_round_trips(signature: str) -> None:
    assert reply_parse(f"stream: {signature} FOUND\0".encode()) == Verdict(infected=True, signature=signature)


@hypothesis_settings(deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_replies_give_a_verdict_or_a_refusal_never_a_crash(raw: bytes) -> None:
    try:
        verdict = reply_parse(raw)
    except ScannerUnavailable:
        return
    text = raw.rstrip(b"\0\r\n").decode()
    assert text.endswith(("OK", "FOUND"))
    assert verdict.infected == text.endswith("FOUND")


# --- The client against the fake clamd --------------------------------------------------------------


def test_the_client_scans_over_tcp_and_unix_sockets(tmp_path: Path) -> None:
    with fake_clamd() as (url, state):
        client = ClamdScanner(url, timeout=5)
        client.ping()
        assert client.scan([b"harmless ", b"text"]) == Verdict(infected=False)
        assert client.scan([b"prefix " + EICAR]).signature == "Eicar-Test-Signature"
        assert state.scanned[0] == b"harmless text"
    with fake_clamd(unix_path=tmp_path / "clamd.sock") as (url, _state):
        assert ClamdScanner(url, timeout=5).scan([EICAR]).infected


def test_a_stream_over_clamds_limit_is_an_error_not_a_pass() -> None:
    with fake_clamd() as (url, state):
        state.max_stream = 1000
        with pytest.raises(ScannerUnavailable, match="size limit"):
            ClamdScanner(url, timeout=5).scan([b"x" * 5000])


def test_a_bad_url_is_refused() -> None:
    with pytest.raises(ValueError, match="CHANCERY_CLAMD_URL"):
        ClamdScanner("http://clamd.example", timeout=5)


# --- Uploads ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clean_upload_is_scanned_and_stored(settings: Any, desk_officer: User) -> None:
    with fake_clamd() as (url, state):
        settings.CLAMD_URL = url
        document = upload(actor_of(desk_officer), b"A clean report.")
    assert state.scanned == [b"A clean report."]
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_an_infected_upload_is_refused_audited_and_nothing_is_stored(
    settings: Any, desk_officer: User, english_pages: None
) -> None:
    with fake_clamd() as (url, _state):
        settings.CLAMD_URL = url
        with pytest.raises(InvalidInput) as refused:
            upload(actor_of(desk_officer), EICAR, name="eicar.txt")
    assert "malware" in refused.value.errors["file"][0]
    assert "Eicar-Test-Signature" in refused.value.errors["file"][0]
    assert not Document.objects.exists()
    assert _blob_files(settings) == []
    event = AuditEvent.objects.get(action="platform.upload_refused")
    assert event.outcome == "denied"
    assert event.actor_id == desk_officer.pk
    assert event.detail["signature"] == "Eicar-Test-Signature"
    assert "EICAR" not in str(event.detail)  # the digest, never the content


@pytest.mark.django_db
def test_clamd_unreachable_refuses_the_upload_by_default(
    settings: Any, desk_officer: User, english_pages: None
) -> None:
    settings.CLAMD_URL = closed_port_url()
    with pytest.raises(InvalidInput) as refused:
        upload(actor_of(desk_officer), b"A clean report.")
    assert "could not be checked for malware" in refused.value.errors["file"][0]
    assert not Document.objects.exists()
    assert _blob_files(settings) == []
    assert AuditEvent.objects.get(action="platform.upload_refused").detail["reason"] == "scanner-unavailable"


@pytest.mark.django_db
def test_clamd_unreachable_lets_uploads_through_when_configured_to_fail_open(settings: Any, desk_officer: User) -> None:
    settings.CLAMD_URL = closed_port_url()
    settings.CLAMD_FAIL_OPEN = True
    upload(actor_of(desk_officer), b"A clean report.")
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_without_a_clamd_url_nothing_is_scanned(settings: Any, desk_officer: User) -> None:
    settings.CLAMD_URL = ""
    upload(actor_of(desk_officer), EICAR, name="eicar.txt")
    assert Document.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_an_infected_upload_with_a_problem(
    settings: Any, desk_officer: User, english_pages: None
) -> None:
    token = issue_token(desk_officer, ["vault:read", "vault:write"]).secret
    with fake_clamd() as (url, _state):
        settings.CLAMD_URL = url
        response = Client().post(
            "/api/v1/vault/documents",
            {"file": SimpleUploadedFile("eicar.txt", EICAR, "text/plain"), "title_en": "Test", "classification": "10"},
            **bearer(token),
        )
    body = assert_problem(response, 422, "invalid-input")
    assert "Eicar-Test-Signature" in str(body)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_reported_phishing_message_with_malware_is_kept_with_the_finding(settings: Any, desk_officer: User) -> None:
    attachment = EICAR.decode()  # 7-bit, so the fake (which does not decode MIME like ClamAV) sees it
    message = (
        "From: helpdesk@mofa-login.example\r\nTo: officer@mofa.example\r\nSubject: Invoice\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nOpen the attachment.\r\n"
        '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="inv.com"\r\n'
        f"Content-Transfer-Encoding: 7bit\r\n\r\n{attachment}\r\n--b--\r\n"
    ).encode()
    with fake_clamd() as (url, state):
        settings.CLAMD_URL = url
        report = awareness_services.phishing_report_submit(actor=actor_of(desk_officer), data=message)
    assert state.scanned == [message]
    event = AuditEvent.objects.get(action="awareness.phish_reported", object_id=str(report.pk))
    assert event.detail["malware"] == "Eicar-Test-Signature"


# --- The deployment check -----------------------------------------------------------------------------


def test_the_check_says_when_scanning_is_off_answering_or_unreachable(settings: Any) -> None:
    settings.CLAMD_URL = ""
    passed, detail = scanner_check()
    assert passed
    assert detail.startswith("Off")
    with fake_clamd() as (url, _state):
        settings.CLAMD_URL = url
        assert scanner_check() == (True, f"clamd at {url} answers; uploads are scanned.")
    settings.CLAMD_URL = closed_port_url()
    passed, detail = scanner_check()
    assert not passed
    assert "refused" in detail


@pytest.mark.django_db
def test_the_checklist_has_a_malware_scanning_line(settings: Any) -> None:
    settings.CLAMD_URL = ""
    names = [item.name for item in deployment_checklist()]
    assert "Malware scanning" in names


@pytest.mark.django_db
def test_the_upload_page_shows_the_refusal_as_a_form_message(
    settings: Any, desk_officer: User, english_pages: None
) -> None:
    client = Client()
    client.force_login(desk_officer)
    form = {
        "file": SimpleUploadedFile("eicar.txt", EICAR, "text/plain"),
        "title_en": "Test",
        "classification": "10",
        "tlp": "AMBER",
        "language": "vi",
    }
    with fake_clamd() as (url, _state):
        settings.CLAMD_URL = url
        response = client.post("/vault/upload/", form)
    assert response.status_code == 400
    assert "contains malware (Eicar-Test-Signature)" in response.content.decode()
    assert not Document.objects.exists()
