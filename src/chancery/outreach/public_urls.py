"""The ministry's public channel (mounted at ``/statements/``): no sign-in, by design."""

from django.urls import path

from chancery.outreach import public_views

app_name = "statements"
urlpatterns = [
    path("", public_views.statement_list, name="list"),
    path("feed.atom", public_views.statement_feed, name="feed"),
    path("<int:post_id>/", public_views.statement_detail, name="detail"),
]
