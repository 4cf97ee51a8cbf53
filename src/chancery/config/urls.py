"""URL routing: pages, the allauth account flows, the admin and the one API."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from chancery.platform import views as platform_views

urlpatterns = [
    path("", platform_views.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("chancery.identity.urls")),
    path("audit/", include("chancery.audit.urls")),
    path("tlog/", include("chancery.transparency.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "chancery.platform.views.bad_request"
handler403 = "chancery.platform.views.permission_denied"
handler404 = "chancery.platform.views.page_not_found"
handler500 = "chancery.platform.views.server_error"
