"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chancery.platform import access
from chancery.platform.http import page_actor

# (URL name, label, the action the policy engine must allow for the entry to show; None: every user)
NAVIGATION: tuple[tuple[str, Promise, str | None], ...] = (
    ("dashboard", _("Dashboard"), None),
    ("missions:organisation_list", _("Organisations"), "missions.view"),
    ("missions:report_list", _("Post reports"), None),
    ("vault:document_list", _("Document vault"), "vault.view"),
    ("vault:retention", _("Records disposal"), "vault.retention"),
    ("agreements:agreement_list", _("Agreements"), "agreements.view"),
    ("risk:world", _("Risk assessment"), "risk.view"),
    ("cables:inbox", _("Cables"), "cables.view"),
    ("meetings:list", _("Video meetings"), "meetings.view"),
    ("intelligence:feed", _("Intelligence"), "intelligence.view"),
    ("chat:channel_list", _("Chat"), "chat.view"),
    ("outreach:calendar", _("Public diplomacy"), "outreach.view"),
    ("threatintel:collection_list", _("Threat intelligence"), "threatintel.view"),
    ("awareness:report_list", _("Report phishing"), "awareness.report"),
    ("awareness:drill_list", _("Phishing drills"), "awareness.drill_manage"),
    ("awareness:course_list", _("My courses"), "awareness.learn"),
    ("awareness:dashboard", _("Security dashboard"), "awareness.dashboard"),
    ("identity:security", _("Security settings"), None),
    ("audit:events", _("Audit log"), "audit.view"),
    ("security:lockouts", _("Locked accounts"), "identity.unlock"),
    ("transparency-auditors", _("Transparency log"), "transparency.view_entry"),
    ("monitoring:alert_list", _("Security alerts"), "monitoring.view"),
    ("webhooks:subscription_list", _("Partner webhooks"), "webhooks.manage"),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation entries the policy engine lets the signed-in user reach (none for visitors)."""
    actor = page_actor(request)
    if not actor.is_authenticated:
        return {"nav_items": []}
    items = []
    for url_name, label, action in NAVIGATION:
        if action is not None and not access.can(actor, action):
            continue
        url = reverse(url_name)
        items.append({"url": url, "label": label, "current": request.path == url})
    return {"nav_items": items}
