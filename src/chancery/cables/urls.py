"""Pages for cables (mounted at ``/cables/``)."""

from django.urls import path

from chancery.cables import views

app_name = "cables"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("new/", views.compose, name="compose"),
    path("searches/", views.saved_search_create, name="saved_search_create"),
    path("searches/<int:search_id>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("<int:cable_id>/", views.detail, name="detail"),
    path("<int:cable_id>/edit/", views.edit, name="edit"),
    path("<int:cable_id>/<slug:verb>/", views.act, name="act"),
]
