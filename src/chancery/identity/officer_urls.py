"""Security officers' pages (mounted at ``/security/``): account lockouts."""

from django.urls import path

from chancery.identity import views

app_name = "security"
urlpatterns = [
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
]
