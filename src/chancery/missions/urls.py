"""Pages for organisations, missions and post reports (mounted at ``/missions/``)."""

from django.urls import path

from chancery.missions import views

app_name = "missions"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("organisations/<slug:code>/", views.organisation_detail, name="organisation_detail"),
]
