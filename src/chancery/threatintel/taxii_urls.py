"""TAXII 2.1 routes: discovery at ``/taxii2/``, one API root at ``/taxii2/ministry/``."""

from __future__ import annotations

from django.urls import path

from chancery.threatintel import taxii

app_name = "taxii"
root = taxii.API_ROOT

urlpatterns = [
    path("", taxii.discovery, name="discovery"),
    path(f"{root}/", taxii.api_root, name="api_root"),
    path(f"{root}/status/<str:status_id>/", taxii.status, name="status"),
    path(f"{root}/collections/", taxii.collections, name="collections"),
    path(f"{root}/collections/<str:collection_id>/", taxii.collection, name="collection"),
    path(f"{root}/collections/<str:collection_id>/objects/", taxii.objects, name="objects"),
    path(f"{root}/collections/<str:collection_id>/objects/<str:object_id>/", taxii.object_detail, name="object"),
    path(
        f"{root}/collections/<str:collection_id>/objects/<str:object_id>/versions/",
        taxii.object_versions,
        name="object_versions",
    ),
    path(f"{root}/collections/<str:collection_id>/manifest/", taxii.manifest, name="manifest"),
]
