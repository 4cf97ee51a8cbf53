"""URL routing: pages, the allauth account flows, the admin and the one API."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from chancery.config.api import api
from chancery.platform import views as platform_views
from chancery.platform.api.guard import api_not_found
from chancery.transparency import views as transparency_views

urlpatterns = [
    path("", platform_views.dashboard, name="dashboard"),
    # Password reset works by e-mail, which an air-gapped ministry does not have: administrators reset.
    re_path(r"^accounts/password/reset/", platform_views.page_not_found, name="password_reset_disabled"),
    # Own sessions (re-authentication first) and hashed recovery codes replace allauth's pages of the same names.
    path("accounts/", include("chancery.identity.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("chancery.identity.urls")),
    path("security/", include("chancery.identity.officer_urls")),
    path("audit/", include("chancery.audit.urls")),
    path("missions/", include("chancery.missions.urls")),
    path("tlog/", include("chancery.transparency.urls")),
    path("vault/", include("chancery.vault.urls")),
    path("agreements/", include("chancery.agreements.urls")),
    path("risk/", include("chancery.risk.urls")),
    path("cables/", include("chancery.cables.urls")),
    path("meetings/", include("chancery.meetings.urls")),
    path("intelligence/", include("chancery.intelligence.urls")),
    path("chat/", include("chancery.chat.urls")),
    path("outreach/", include("chancery.outreach.urls")),
    path("statements/", include("chancery.outreach.public_urls")),
    path("threatintel/", include("chancery.threatintel.urls")),
    path("awareness/", include("chancery.awareness.urls")),
    path("drill/", include("chancery.awareness.drill_urls")),
    path("taxii2/", include("chancery.threatintel.taxii_urls")),
    path("webhooks/", include("chancery.resilience.webhooks.urls")),
    path("monitoring/", include("chancery.resilience.monitoring.urls")),
    path("events/", include("chancery.platform.events.urls")),
    path("transparency/", transparency_views.auditors, name="transparency-auditors"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found, name="api_not_found"),  # unknown API routes: 404 problem+json
]

handler400 = "chancery.platform.views.bad_request"
handler403 = "chancery.platform.views.permission_denied"
handler404 = "chancery.platform.views.page_not_found"
handler500 = "chancery.resilience.unavailable.server_error"  # 503/507 pages, else the 500 page
