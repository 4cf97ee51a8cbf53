"""Pages for threat intelligence (mounted at ``/threatintel/``)."""

from django.urls import path

from chancery.threatintel import views

app_name = "threatintel"
urlpatterns = [
    path("", views.collection_list, name="collection_list"),
    path("feeds/", views.feed_list, name="feed_list"),
    path("feeds/<int:feed_id>/pull/", views.feed_pull, name="feed_pull"),
    path("<str:collection_id>/", views.collection_detail, name="collection_detail"),
    path("<str:collection_id>/members/", views.member_set, name="member_set"),
    path("<str:collection_id>/import/", views.bundle_import, name="bundle_import"),
    path("<str:collection_id>/export/", views.bundle_export, name="bundle_export"),
]
