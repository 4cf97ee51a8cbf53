"""The reporting address: forwarded phish fetched over IMAP (TLS) from a local fake server and filed."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.awareness import mailbox
from chancery.awareness.enums import IndicatorKind, ReportStatus
from chancery.awareness.mailbox import MailboxError, envelope_sender, forwarded_original
from chancery.awareness.mailparse import MailRejected, mail_parse
from chancery.awareness.models import Campaign, Course, DrillTemplate, PhishingReport, Recipient
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from tests.awareness.fake_imap import FakeImapServer, Folder, self_signed
from tests.awareness.mails import PHISH, nested

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(purpose="test")


def forward_attached(sender: str, original: bytes, *, return_path: str | None = None) -> bytes:
    """A forward as mail programs send it with "forward as attachment": the original as message/rfc822."""
    outer = EmailMessage()
    outer["From"] = sender
    outer["To"] = "report-phishing@mofa.example"
    outer["Subject"] = "Fwd: suspicious"
    if return_path is not None:
        outer["Return-Path"] = f"<{return_path}>"
    outer.set_content("Please check this message.")
    inner = mail_message(original)
    outer.add_attachment(inner)
    return outer.as_bytes(policy=policy.SMTP)


def mail_message(raw: bytes) -> EmailMessage:
    from email.parser import BytesParser

    parsed: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    return parsed


INLINE = (
    b"From: Desk Officer <desk@mofa.example>\r\n"
    b"To: report-phishing@mofa.example\r\n"
    b"Subject: Fwd: invoice\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"This looks wrong.\r\n\r\n"
    b"---------- Forwarded message ---------\r\n"
    b"From: Billing <billing@pay-mofa.example>\r\n"
    b"Date: Mon, 23 Nov 2026 09:00:00 +0700\r\n"
    b"Subject: Overdue invoice\r\n"
    b"To: desk@mofa.example\r\n"
    b"\r\n"
    b"Pay today at hxxps://pay-mofa.example/invoice/77 or lose access.\r\n"
)


@pytest.fixture
def certificate(tmp_path: Path, settings: Any) -> tuple[Path, Path]:
    cert, key = self_signed(tmp_path)
    settings.CA_BUNDLE = str(cert)
    return cert, key


@pytest.fixture
def folder() -> Folder:
    return Folder(user="report-phishing", password="s3cret pass")


@pytest.fixture
def imap(folder: Folder, certificate: tuple[Path, Path], settings: Any, tmp_path: Path) -> Iterator[FakeImapServer]:
    password_file = tmp_path / "imap-password"
    password_file.write_text(folder.password + "\n")
    with FakeImapServer(folder, *certificate) as server:
        settings.AWARENESS_IMAP_HOST = "127.0.0.1"
        settings.AWARENESS_IMAP_PORT = server.port
        settings.AWARENESS_IMAP_USER = folder.user
        settings.AWARENESS_IMAP_PASSWORD_FILE = str(password_file)
        settings.AWARENESS_IMAP_FOLDER = "INBOX"
        yield server


@pytest.fixture
def reporter(desk_officer: User) -> User:
    desk_officer.email = "desk@mofa.example"
    desk_officer.save()
    return desk_officer


def test_a_forwarded_attachment_is_filed_as_its_sender_and_removed(
    imap: FakeImapServer, folder: Folder, reporter: User
) -> None:
    folder.deliver(forward_attached("Desk Officer <DESK@mofa.example>", PHISH, return_path="desk@mofa.example"))
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    assert len(result.filed) == 1
    assert result.refused == []
    report = PhishingReport.objects.get(pk=result.filed[0])
    assert report.reporter_id == reporter.pk
    assert report.organisation_id == reporter.organisation_id
    assert report.sender == "helpdesk@mofa-login.example"
    kinds = set(report.indicators.values_list("kind", flat=True))
    assert {IndicatorKind.SENDER, IndicatorKind.REPLY_TO, IndicatorKind.URL, IndicatorKind.ATTACHMENT} <= kinds
    assert AuditEvent.objects.filter(action="awareness.phish_reported", object_id=str(report.pk)).exists()
    assert folder.messages == []  # flagged deleted and expunged
    assert "UID SEARCH UNDELETED" in folder.commands
    assert any(c.startswith("UID STORE") and "\\Deleted" in c for c in folder.commands)
    assert "EXPUNGE" in folder.commands
    assert "s3cret" not in " ".join(folder.commands)

    again = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert again is not None
    assert again.filed == []
    assert PhishingReport.objects.count() == 1


def test_an_inline_forward_is_filed(imap: FakeImapServer, folder: Folder, reporter: User) -> None:
    folder.deliver(INLINE)
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    [report_id] = result.filed
    report = PhishingReport.objects.get(pk=report_id)
    assert report.sender == "billing@pay-mofa.example"
    assert report.subject == "Overdue invoice"
    assert report.indicators.filter(kind=IndicatorKind.DOMAIN, value="pay-mofa.example").exists()


def test_unknown_and_forged_senders_are_refused_without_content(
    imap: FakeImapServer, folder: Folder, reporter: User, caplog: pytest.LogCaptureFixture
) -> None:
    folder.deliver(forward_attached("Stranger <stranger@elsewhere.example>", PHISH))
    folder.deliver(forward_attached("desk@mofa.example", PHISH, return_path="attacker@evil.example"))
    with caplog.at_level(logging.INFO):
        result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    assert result.filed == []
    assert result.refused == ["unknown sender", "unknown sender"]
    assert PhishingReport.objects.count() == 0
    assert folder.messages == []
    events = AuditEvent.objects.filter(action="awareness.mailbox_refused")
    assert events.count() == 2
    logged = caplog.text + str(list(events.values("detail")))
    for secret in ("stranger@", "mofa-login", "evil.example", "suspicious", "invoice.exe"):
        assert secret not in logged


def test_oversized_forwards_are_refused_without_download(imap: FakeImapServer, folder: Folder, reporter: User) -> None:
    big = forward_attached("desk@mofa.example", PHISH) + b"x" * (mailbox.MAX_FORWARD_BYTES + 1)
    uid = folder.deliver(big)
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    assert result.refused == ["too large"]
    assert f"UID FETCH {uid} (BODY.PEEK[])" not in folder.commands
    assert folder.messages == []


def test_a_forward_without_a_message_and_hostile_nesting_are_refused(
    imap: FakeImapServer, folder: Folder, reporter: User
) -> None:
    plain = b"From: desk@mofa.example\r\nSubject: hello\r\n\r\nJust a note, nothing forwarded.\r\n"
    folder.deliver(plain)
    folder.deliver(forward_attached("desk@mofa.example", nested(12)))
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    assert result.filed == []
    assert result.refused[0] == "the forward carries no message"
    assert "nested too deeply" in result.refused[1]
    assert folder.messages == []


def test_a_forwarded_drill_counts_as_reported(
    imap: FakeImapServer, folder: Folder, reporter: User, security_officer: User, mission_tokyo: Organisation
) -> None:
    from chancery.awareness import drills

    course = Course.objects.create(slug="phish", title_en="Phishing", title_vi="Lừa đảo")
    template = DrillTemplate.objects.create(
        name="t",
        sender_name="IT",
        sender_address="it@drill.example",
        subject="Password",
        body="Go {link}",
        landing_title="Sign in",
        landing_prompt="Sign in",
        course=course,
    )
    campaign = Campaign.objects.create(
        name="d",
        template=template,
        target_organisations=[mission_tokyo.pk],
        scheduled_at=timezone.now(),
        created_by=security_officer,
        state="sent",
    )
    recipient = Recipient.objects.create(
        campaign=campaign,
        user=reporter,
        organisation=mission_tokyo,
        delivered_at=timezone.now() - timedelta(minutes=30),
    )
    drill_mail = drills._message(recipient).message().as_bytes()
    folder.deliver(forward_attached("desk@mofa.example", drill_mail, return_path="desk@mofa.example"))
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    [report_id] = result.filed
    assert PhishingReport.objects.get(pk=report_id).status == ReportStatus.DISMISSED
    recipient.refresh_from_db()
    assert recipient.reported_at is not None


def test_a_partner_cannot_report_by_mail(imap: FakeImapServer, folder: Folder, partner_user: User) -> None:
    partner_user.email = "liaison@partner.example"
    partner_user.save()
    folder.deliver(forward_attached("liaison@partner.example", PHISH))
    result = mailbox.configured_mailbox_poll(actor=SYSTEM)
    assert result is not None
    assert result.filed == []
    assert len(result.refused) == 1
    assert PhishingReport.objects.count() == 0


def test_bad_password_and_untrusted_certificate_fail_cleanly(
    imap: FakeImapServer, folder: Folder, settings: Any, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("nope")
    settings.AWARENESS_IMAP_PASSWORD_FILE = str(wrong)
    with pytest.raises(MailboxError, match="refused the login"):
        mailbox.configured_mailbox_poll(actor=SYSTEM)
    settings.AWARENESS_IMAP_PASSWORD_FILE = str(tmp_path / "imap-password")
    settings.CA_BUNDLE = ""
    with pytest.raises(MailboxError, match="cannot be reached"):
        mailbox.configured_mailbox_poll(actor=SYSTEM)


def test_the_task_audits_a_failing_mailbox_and_the_job_is_registered(
    imap: FakeImapServer, settings: Any, tmp_path: Path
) -> None:
    from chancery.awareness.tasks import poll_reporting_mailbox
    from chancery.platform.schedule import periodics

    settings.AWARENESS_IMAP_FOLDER = "Missing"
    assert poll_reporting_mailbox.call() == 0
    assert AuditEvent.objects.filter(action="awareness.mailbox_polled", outcome="failure").exists()
    assert any(p.name == "awareness.mailbox" and p.task is poll_reporting_mailbox for p in periodics())


def test_nothing_configured_means_no_poll(settings: Any) -> None:
    settings.AWARENESS_IMAP_HOST = ""
    assert mailbox.configured_mailbox_poll(actor=SYSTEM) is None


def test_only_the_system_and_triagers_poll(desk_officer: User) -> None:
    from chancery.platform.errors import PermissionDenied
    from tests.conftest import actor_of

    with pytest.raises(PermissionDenied):
        mailbox.configured_mailbox_poll(actor=actor_of(desk_officer))


def test_the_command_polls_once(imap: FakeImapServer, folder: Folder, reporter: User) -> None:
    from chancery.awareness.commands import cmd_mailbox_poll

    folder.deliver(forward_attached("desk@mofa.example", PHISH))
    assert cmd_mailbox_poll(None) == 0  # type: ignore[arg-type]
    assert PhishingReport.objects.filter(reporter=reporter).count() == 1


# -- Parsing forwards: hostile input ---------------------------------------------------------------------


def test_inline_headers_cannot_be_injected() -> None:
    hostile = (
        b"From: desk@mofa.example\r\nContent-Type: text/plain\r\n\r\n"
        b"-----Original Message-----\r\n"
        b"From: a@evil.example\r\n"
        b"X-Chancery-Drill: forged\r\n"
        b"Bcc: everyone@mofa.example\r\n\r\nbody\r\n"
    )
    original = forwarded_original(hostile)
    headers = original.split(b"\r\n\r\n", 1)[0]
    assert b"X-Chancery-Drill" not in headers
    assert b"Bcc" not in headers
    parsed = mail_parse(original)
    assert parsed.sender == "a@evil.example"
    assert parsed.drill_token == ""


def test_envelope_sender_rules() -> None:
    assert envelope_sender(b"From: A <A@Mofa.Example>\r\n\r\nx") == "a@mofa.example"
    assert envelope_sender(b"Return-Path: <a@mofa.example>\r\nFrom: a@mofa.example\r\n\r\nx") == "a@mofa.example"
    assert envelope_sender(b"Return-Path: <b@mofa.example>\r\nFrom: a@mofa.example\r\n\r\nx") == ""
    assert envelope_sender(b"From: a@mofa.example, b@mofa.example\r\n\r\nx") == ""
    assert envelope_sender(b"From: not an address\r\n\r\nx") == ""
    assert envelope_sender(b"") == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000))
def test_forwards_of_random_bytes_never_crash(data: bytes) -> None:
    try:
        original = forwarded_original(data)
    except MailRejected:
        return
    assert isinstance(original, bytes)
    envelope_sender(data)


HEADER_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)


@settings(max_examples=150, deadline=None)
@given(sender=HEADER_TEXT, subject=HEADER_TEXT, body=HEADER_TEXT, marker=st.booleans())
def test_forwards_with_hostile_headers_never_crash(sender: str, subject: str, body: str, marker: bool) -> None:
    forward = (
        f"From: {sender}\r\nReturn-Path: {sender}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + ("---------- Forwarded message ---------\r\n" if marker else "")
        + f"From: {sender}\r\nSubject: {subject}\r\n\r\n{body}\r\n"
    ).encode("utf-8", "surrogateescape")
    address = envelope_sender(forward)
    assert "\n" not in address
    assert "\r" not in address
    try:
        original = forwarded_original(forward)
    except MailRejected:
        return
    allowed = {name.encode() for name in mailbox.INLINE_HEADERS - {"sent"}} | {b"content-type"}
    header_block = original.split(b"\r\n\r\n", 1)[0]
    for line in header_block.split(b"\r\n"):
        assert line.split(b":", 1)[0].lower() in allowed
    with contextlib.suppress(MailRejected):
        mail_parse(original)


@settings(max_examples=40, deadline=None)
@given(depth=st.integers(min_value=0, max_value=30))
def test_deeply_nested_forwards_are_refused_or_parsed(depth: int) -> None:
    try:
        original = forwarded_original(forward_attached("desk@mofa.example", nested(depth)))
    except MailRejected:
        assert depth > 4
        return
    try:
        mail_parse(original)
    except MailRejected:
        assert depth > 4


def test_the_deployment_check(settings: Any, tmp_path: Path) -> None:
    from chancery.awareness.deployment_checks import check_reporting_mailbox

    settings.AWARENESS_IMAP_HOST = ""
    assert check_reporting_mailbox().passed
    settings.AWARENESS_IMAP_HOST = "imap.mofa.example"
    settings.AWARENESS_IMAP_USER = "report-phishing"
    settings.AWARENESS_IMAP_PASSWORD_FILE = str(tmp_path / "missing")
    assert not check_reporting_mailbox().passed
    secret = tmp_path / "password"
    secret.write_text("s3cret")
    secret.chmod(0o644)
    settings.AWARENESS_IMAP_PASSWORD_FILE = str(secret)
    assert "chmod 600" in check_reporting_mailbox().detail
    secret.chmod(0o600)
    item = check_reporting_mailbox()
    assert item.passed
    assert "s3cret" not in item.detail
