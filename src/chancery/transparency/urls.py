"""Public log endpoints under /tlog/ and the auditors' page."""

from django.urls import path

from chancery.transparency import views

app_name = "transparency"
urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("vkey", views.vkey, name="vkey"),
    path("tile/<path:path>", views.tile, name="tile"),
]
