"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chancery.platform import access
from chancery.platform.http import page_actor

Entry = tuple[str, Promise, str | None]
"""(URL name, label, the action the policy engine must allow for the entry to show; None: every user)"""

# The main navigation: groups of entries; a group without a label puts its entries at the top level.
NAVIGATION: tuple[tuple[Promise | None, tuple[Entry, ...]], ...] = (
    (None, (("dashboard", _("Dashboard"), None),)),
    (
        _("Work"),
        (
            ("cables:inbox", _("Cables"), "cables.view"),
            ("chat:channel_list", _("Chat"), "chat.view"),
            ("meetings:list", _("Video meetings"), "meetings.view"),
            ("agreements:agreement_list", _("Agreements"), "agreements.view"),
            ("vault:document_list", _("Document vault"), "vault.view"),
            ("missions:report_list", _("Post reports"), None),
            ("missions:organisation_list", _("Organisations"), "missions.view"),
            ("vault:retention", _("Records disposal"), "vault.retention"),
        ),
    ),
    (
        _("Analysis"),
        (
            ("intelligence:feed", _("Intelligence"), "intelligence.view"),
            ("risk:world", _("Risk assessment"), "risk.view"),
            ("outreach:calendar", _("Public diplomacy"), "outreach.view"),
        ),
    ),
    (
        _("Security"),
        (
            ("awareness:report_list", _("Report phishing"), "awareness.report"),
            ("awareness:course_list", _("My courses"), "awareness.learn"),
            ("awareness:dashboard", _("Security dashboard"), "awareness.dashboard"),
            ("monitoring:alert_list", _("Security alerts"), "monitoring.view"),
            ("awareness:drill_list", _("Phishing drills"), "awareness.drill_manage"),
            ("threatintel:collection_list", _("Threat intelligence"), "threatintel.view"),
            ("audit:events", _("Audit log"), "audit.view"),
            ("security:accounts", _("Accounts and sessions"), "identity.end_sessions"),
            ("security:lockouts", _("Locked accounts"), "identity.unlock"),
            ("transparency-auditors", _("Transparency log"), "transparency.view_entry"),
            ("webhooks:subscription_list", _("Partner webhooks"), "webhooks.manage"),
        ),
    ),
    (None, (("identity:security", _("Security settings"), None),)),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation the policy engine lets the signed-in user reach (nothing for visitors).

    ``nav_groups`` lists groups in order, each ``{"label", "items", "current"}``: a group whose label is
    ``None`` is shown as plain top-level links, and groups with nothing the user may reach are left out.
    ``current`` marks the group holding the page being shown.
    """
    actor = page_actor(request)
    if not actor.is_authenticated:
        return {"nav_groups": []}
    groups = []
    for group_label, entries in NAVIGATION:
        items = []
        for url_name, label, action in entries:
            if action is not None and not access.can(actor, action):
                continue
            url = reverse(url_name)
            items.append({"url": url, "label": label, "current": request.path == url})
        if items:
            groups.append({"label": group_label, "items": items, "current": any(i["current"] for i in items)})
    return {"nav_groups": groups}
