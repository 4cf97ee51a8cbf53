"""Kinds, scopes, event kinds and the stages an agreement's status is derived into."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    """The instrument's form."""

    TREATY = "treaty", _("Treaty")
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    PROTOCOL = "protocol", _("Protocol")
    EXCHANGE_OF_NOTES = "exchange_of_notes", _("Exchange of notes")
    ACCESSION = "accession", _("Accession")


class AgreementScope(models.TextChoices):
    """How many parties the agreement binds."""

    BILATERAL = "bilateral", _("Bilateral")
    PLURILATERAL = "plurilateral", _("Plurilateral")
    MULTILATERAL = "multilateral", _("Multilateral")


class RelationKind(models.TextChoices):
    """How one agreement relates to another."""

    AMENDS = "amends", _("amends")
    SUPERSEDES = "supersedes", _("supersedes")
    IMPLEMENTS = "implements", _("implements")


class EventKind(models.TextChoices):
    """Dated facts in an agreement's life; party events name the party they concern."""

    NEGOTIATIONS_OPENED = "negotiations_opened", _("Negotiations opened")
    CONCLUDED = "concluded", _("Negotiations concluded")
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    ACCESSION = "accession", _("Accession")
    ENTRY_INTO_FORCE = "entry_into_force", _("Entry into force")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")
    TERMINATION = "termination", _("Termination")


CONSENT_KINDS = frozenset(
    {EventKind.RATIFICATION, EventKind.ACCEPTANCE, EventKind.APPROVAL, EventKind.ACCESSION},
)
"""Instruments by which a party consents to be bound (the instrument type of the event)."""

PARTY_KINDS = CONSENT_KINDS | {
    EventKind.SIGNATURE,
    EventKind.ENTRY_INTO_FORCE,
    EventKind.WITHDRAWAL,
    EventKind.RESERVATION,
    EventKind.DECLARATION,
}
"""Event kinds that concern one party and must name it."""

AGREEMENT_KINDS = frozenset({EventKind.NEGOTIATIONS_OPENED, EventKind.CONCLUDED, EventKind.TERMINATION})
"""Event kinds that concern the agreement as a whole and name no party."""


class DatePrecision(models.TextChoices):
    """How much of a date the source gives (1992; 2009-02; 2019-06-30)."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Stage(models.TextChoices):
    """The status derived from events, in pipeline order (never typed in)."""

    PROPOSED = "proposed", _("Proposed")
    NEGOTIATION = "negotiation", _("In negotiation")
    CONCLUDED = "concluded", _("Concluded")
    SIGNED = "signed", _("Signed")
    RATIFICATION = "ratification", _("Consent to be bound")
    IN_FORCE = "in_force", _("In force")
    TERMINATED = "terminated", _("Terminated")


INTERNATIONAL_ORGANISATIONS: dict[str, str] = {
    "ASEAN": "Association of Southeast Asian Nations",
    "EU": "European Union",
    "EAEU": "Eurasian Economic Union",
    "WTO": "World Trade Organization",
    "APEC": "Asia-Pacific Economic Cooperation",
    "UN": "United Nations",
    "AU": "African Union",
    "MERCOSUR": "Southern Common Market",
    "EFTA": "European Free Trade Association",
    "GCC": "Gulf Cooperation Council",
}
"""Organisations that can be party to an agreement, by code (names are proper names, not translated)."""


class Recurrence(models.TextChoices):
    """How often an obligation comes due again once met."""

    NONE = "none", _("once")
    MONTHLY = "monthly", _("every month")
    QUARTERLY = "quarterly", _("every quarter")
    ANNUAL = "annual", _("every year")


RECURRENCE_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.ANNUAL: 12}
"""Months between two due dates of a recurring obligation."""


class ObligationStatus(models.TextChoices):
    """Where an obligation stands."""

    OPEN = "open", _("open")
    DONE = "done", _("done")


class CommentSide(models.TextChoices):
    """Whose side a negotiation comment comes from; partner comments are kept apart from internal ones."""

    INTERNAL = "internal", _("internal")
    PARTNER = "partner", _("partner")
