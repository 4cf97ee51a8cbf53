"""The security alerts pages, mounted at ``/monitoring/``."""

from __future__ import annotations

from django.urls import path

from chancery.resilience.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/close/", views.alert_close, name="alert_close"),
]
