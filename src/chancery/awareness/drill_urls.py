"""Drill tracking routes (mounted at ``/drill/``): no session, the signed token is the credential."""

from django.urls import path

from chancery.awareness import drill_views

app_name = "awareness_drill"
urlpatterns = [
    path("<str:token>/", drill_views.drill_click, name="drill_click"),
    path("<str:token>/o.gif", drill_views.drill_open, name="drill_open"),
    path("<str:token>/submit/", drill_views.drill_submit, name="drill_submit"),
    path("<str:token>/learn/", drill_views.drill_learn, name="drill_learn"),
]
