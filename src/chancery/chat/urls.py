"""Pages for chat (mounted at ``/chat/``)."""

from django.urls import path

from chancery.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.channel_list, name="channel_list"),
    path("new/", views.channel_create, name="channel_create"),
    path("direct/", views.direct_start, name="direct_start"),
    path("<int:channel_id>/", views.channel_detail, name="channel_detail"),
    path("<int:channel_id>/settings/", views.channel_settings, name="channel_settings"),
    path("<int:channel_id>/retention/", views.retention_set, name="retention_set"),
    path("<int:channel_id>/hold/", views.legal_hold_place, name="legal_hold_place"),
    path("<int:channel_id>/hold/lift/", views.legal_hold_lift, name="legal_hold_lift"),
    path("<int:channel_id>/export/", views.export, name="export"),
    path("<int:channel_id>/members/", views.member_add, name="member_add"),
    path("<int:channel_id>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
]
