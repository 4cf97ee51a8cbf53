"""The webhook pages, mounted at ``/webhooks/``."""

from __future__ import annotations

from django.urls import path

from chancery.resilience.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("<int:subscription_id>/", views.subscription_detail, name="subscription_detail"),
    path("<int:subscription_id>/secret/", views.secret_rotate, name="secret_rotate"),
    path("<int:subscription_id>/deactivate/", views.subscription_deactivate, name="subscription_deactivate"),
    path(
        "<int:subscription_id>/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="delivery_replay",
    ),
]
