"""Writes of the awareness app: reporting a suspicious message and triaging the report.

A report keeps only metadata and the indicators extracted by :mod:`chancery.awareness.mailparse`; the
message and its attachments are discarded once parsed. Confirming a report turns its indicators into
STIX 2.1 indicators in a threat-intelligence collection, through that domain's service.
"""

from __future__ import annotations

import hashlib
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.awareness.drills import drill_reported
from chancery.awareness.enums import IndicatorKind, ReportStatus
from chancery.awareness.mailparse import MailRejected, ParsedMail, mail_parse
from chancery.awareness.models import PhishingReport, ReportIndicator
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.antivirus import ScannerUnavailable, file_scan
from chancery.platform.enums import TLP
from chancery.platform.errors import Conflict, InvalidInput, PermissionDenied
from chancery.threatintel.enums import Source
from chancery.threatintel.services import stix_indicators_create

OBSERVABLE_OF = {
    IndicatorKind.SENDER: "email",
    IndicatorKind.REPLY_TO: "email",
    IndicatorKind.URL: "url",
    IndicatorKind.DOMAIN: "domain",
    IndicatorKind.ATTACHMENT: "sha256",
}


def _indicators(parsed: ParsedMail) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if parsed.sender:
        found.append((IndicatorKind.SENDER, parsed.sender, ""))
    if parsed.reply_to and parsed.reply_to != parsed.sender:
        found.append((IndicatorKind.REPLY_TO, parsed.reply_to, ""))
    found += [(IndicatorKind.URL, url, "") for url in parsed.urls]
    found += [(IndicatorKind.DOMAIN, domain, "") for domain in parsed.domains]
    found += [
        (IndicatorKind.ATTACHMENT, a.sha256, f"{a.filename} ({a.content_type}, {a.size} B)") for a in parsed.attachments
    ]
    return found


def phishing_report_submit(*, actor: Actor, data: bytes) -> PhishingReport:
    """Record a suspicious message (raw .eml bytes) reported by ``actor`` with its extracted indicators.

    Needs ``awareness.report``. Raises :class:`InvalidInput` (field ``message``) for input the safe parser
    refuses (empty, over 5 MiB, too deeply nested, not an e-mail). Emits ``awareness.phish_reported``
    (counts and the message digest only).
    """
    access.require(actor, "awareness.report")
    if actor.user_id is None:  # the rule already refuses this; it keeps the type checker informed
        raise PermissionDenied
    try:
        parsed = mail_parse(data)
    except MailRejected as exc:
        raise InvalidInput(_("The message could not be reported."), errors={"message": [str(exc)]}) from None
    malware = _malware_scan(data)
    with transaction.atomic():
        report = PhishingReport.objects.create(
            reporter_id=actor.user_id,
            organisation_id=actor.organisation_id,
            subject=parsed.subject,
            sender=parsed.sender,
            reply_to=parsed.reply_to,
            message_sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
        if parsed.drill_token and drill_reported(actor=actor, token=parsed.drill_token):
            report.status = ReportStatus.DISMISSED
            report.triage_note = _("Phishing drill: reported correctly.")
            report.save(update_fields=["status", "triage_note"])
        ReportIndicator.objects.bulk_create(
            ReportIndicator(report=report, kind=kind, value=value, detail=detail[:300])
            for kind, value, detail in _indicators(parsed)
        )
        audit_record(
            actor=actor,
            action="awareness.phish_reported",
            object_type="awareness.report",
            object_id=report.pk,
            detail={
                "sha256": report.message_sha256,
                "urls": len(parsed.urls),
                "attachments": len(parsed.attachments),
                "malware": malware,
            },
        )
    return report


def _malware_scan(data: bytes) -> str:
    """Return the malware signature clamd finds in a reported message, "" if clean, "unscanned" if unknown.

    A reported message is suspicious by nature and is never stored or served, so a finding is recorded for
    the triage (audit detail), not refused; a scanner failure does not stop the report.
    """
    try:
        verdict = file_scan(file=io.BytesIO(data))
    except ScannerUnavailable:
        return "unscanned"
    if verdict is None:
        return "unscanned"
    return verdict.signature if verdict.infected else ""


def phishing_report_triage(
    *, actor: Actor, report: PhishingReport, confirm: bool, collection_id: str = "", note: str = ""
) -> PhishingReport:
    """Confirm or dismiss a new report; a confirmation shares its indicators into ``collection_id``.

    Needs ``awareness.triage`` (and ``threatintel.add`` on the collection when confirming). Raises
    :class:`Conflict` when the report was already triaged, :class:`InvalidInput` (field ``collection``)
    when confirming without a collection. Emits ``awareness.phish_triaged`` and, on confirmation, what the
    threat-intelligence ingest emits.
    """
    access.require(actor, "awareness.triage")
    access.require(actor, "awareness.view_report", report)
    if report.status != ReportStatus.NEW:
        raise Conflict(_("This report was already triaged."))
    if confirm and not collection_id:
        raise InvalidInput(_("Choose a collection."), errors={"collection": [_("Choose a collection.")]})
    with transaction.atomic():
        locked = PhishingReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.NEW:
            raise Conflict(_("This report was already triaged."))
        stix_ids: list[str] = []
        if confirm:
            observables = [(OBSERVABLE_OF[IndicatorKind(i.kind)], i.value) for i in locked.indicators.all()]
            stix_ids = stix_indicators_create(
                actor=actor,
                collection_id=collection_id,
                observables=observables,
                name=_("Reported phishing"),
                tlp=TLP.AMBER,
                source=Source.PHISHING,
                source_detail=f"awareness report {locked.pk}",
            )
            locked.shared_to = collection_id
        locked.status = ReportStatus.CONFIRMED if confirm else ReportStatus.DISMISSED
        locked.triaged_by_id = actor.user_id
        locked.triaged_at = timezone.now()
        locked.triage_note = note.strip()[:500]
        locked.stix_ids = stix_ids
        locked.save()
        audit_record(
            actor=actor,
            action="awareness.phish_triaged",
            object_type="awareness.report",
            object_id=locked.pk,
            detail={"status": locked.status, "indicators_shared": len(stix_ids)},
        )
    return locked
