"""Pages for intelligence (mounted at ``/intelligence/``)."""

from django.urls import path

from chancery.intelligence import initiatives_views, views

app_name = "intelligence"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("export.<str:fmt>", views.export, name="export"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:code>/", views.country, name="country"),
    path("watchlists/", views.watchlists, name="watchlists"),
    path("watchlists/<int:watchlist_id>/", views.watchlist_edit, name="watchlist_edit"),
    path("watchlists/<int:watchlist_id>/delete/", views.watchlist_delete, name="watchlist_delete"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/read/", views.alert_read, name="alert_read"),
    path("brief/", views.brief, name="brief"),
    path("initiatives/", initiatives_views.initiative_list, name="initiatives"),
    path("initiatives/new/", initiatives_views.initiative_create, name="initiative_create"),
    path("initiatives/<int:initiative_id>/", initiatives_views.initiative_tracker, name="initiative"),
    path("initiatives/<int:initiative_id>/edit/", initiatives_views.initiative_edit, name="initiative_edit"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:source_id>/poll/", views.source_poll, name="source_poll"),
]
