"""Pages for security awareness (mounted at ``/awareness/``)."""

from django.urls import path

from chancery.awareness import course_views, dashboard_views, views

app_name = "awareness"
urlpatterns = [
    path("phishing/", views.report_list, name="report_list"),
    path("phishing/<int:report_id>/", views.report_detail, name="report_detail"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("drills/", views.drill_list, name="drill_list"),
    path("courses/", course_views.course_list, name="course_list"),
    path("courses/assignments/", course_views.assignment_list, name="assignment_list"),
    path("courses/<slug:slug>/", course_views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/certificate/", course_views.certificate, name="certificate"),
]
