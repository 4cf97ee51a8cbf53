"""Pages for the signed-in user's own account security."""

from django.urls import path

from chancery.identity import token_views, views

app_name = "identity"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
