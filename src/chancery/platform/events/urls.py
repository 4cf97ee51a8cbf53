"""Routes of the live event stream (mounted at ``/events/``)."""

from django.urls import path

from chancery.platform.events import views

app_name = "events"
urlpatterns = [path("stream", views.stream, name="stream")]
