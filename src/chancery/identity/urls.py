"""Pages for the signed-in user's own account security."""

from django.urls import path

from chancery.identity import views

app_name = "identity"
urlpatterns = [
    path("security/", views.security, name="security"),
]
