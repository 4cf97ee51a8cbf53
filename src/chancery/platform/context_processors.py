"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation entries for the signed-in user (empty for anonymous visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(reverse("dashboard"), _("Dashboard"))]
    items.append((reverse("missions:organisation_list"), _("Organisations")))
    items.append((reverse("missions:report_list"), _("Post reports")))
    items.append((reverse("identity:security"), _("Security settings")))
    if user.role in {"security_officer", "administrator"}:
        items.append((reverse("audit:events"), _("Audit log")))
        items.append((reverse("security:lockouts"), _("Locked accounts")))
        items.append((reverse("transparency-auditors"), _("Transparency log")))
    return {"nav_items": [{"url": url, "label": label, "current": request.path == url} for url, label in items]}
