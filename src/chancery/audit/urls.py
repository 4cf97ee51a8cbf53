"""Security officers' audit pages."""

from django.urls import path

from chancery.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export_csv, name="export"),
]
