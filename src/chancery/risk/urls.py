"""Pages for risk assessment (mounted at ``/risk/``)."""

from django.urls import path

from chancery.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.world, name="world"),
    path("countries/<str:code>/", views.country, name="country"),
    path("queue/", views.queue, name="queue"),
    path("assessments/<int:assessment_id>/", views.review, name="review"),
    path("scenario/", views.scenario, name="scenario"),
    path("events/", views.events, name="events"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("register/<str:model_name>/", views.register_edit, name="register_edit"),
    path("run/", views.run, name="run"),
    path("alerts/", views.alerts, name="alerts"),
    path("initiatives/<int:initiative_id>/draft/", views.sentiment_draft, name="sentiment_draft"),
]
