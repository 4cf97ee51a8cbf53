"""Pages for outreach (mounted at ``/outreach/``)."""

from django.urls import path

from chancery.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("queue/", views.queue, name="queue"),
    path("new/", views.compose, name="compose"),
    path("<int:post_id>/", views.detail, name="detail"),
    path("<int:post_id>/edit/", views.edit, name="edit"),
    path("<int:post_id>/<slug:verb>/", views.act, name="act"),
]
