"""The vault's pages, mounted at ``/vault/``."""

from __future__ import annotations

from django.urls import path

from chancery.vault import views, views_retention

app_name = "vault"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("upload/", views.document_upload, name="document_upload"),
    path("<int:document_id>/", views.document_detail, name="document_detail"),
    path("<int:document_id>/download/", views.document_download, name="document_download"),
    path("<int:document_id>/versions/", views.version_upload, name="version_upload"),
    path("<int:document_id>/versions/<int:number>/restore/", views.version_restore, name="version_restore"),
    path("<int:document_id>/compare/", views.version_compare, name="version_compare"),
    path("<int:document_id>/shares/", views.share_create, name="share_create"),
    path("<int:document_id>/shares/<int:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("<int:document_id>/comments/", views.comment_add, name="comment_add"),
    path("retention/", views_retention.retention_overview, name="retention"),
    path("<int:document_id>/holds/", views_retention.legal_hold_place, name="legal_hold_place"),
    path(
        "<int:document_id>/holds/<int:hold_id>/release/", views_retention.legal_hold_release, name="legal_hold_release"
    ),
    path("<int:document_id>/retention/", views_retention.retention_set, name="retention_set"),
]
