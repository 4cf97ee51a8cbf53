"""Pages for outreach (mounted at ``/outreach/``)."""

from django.urls import path

from chancery.outreach import campaign_views, link_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("month/", views.calendar_month, name="calendar_month"),
    path("queue/", views.queue, name="queue"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign, name="campaign"),
    path("new/", views.compose, name="compose"),
    path("respond/<int:alert_id>/", views.respond, name="respond"),
    path("<int:post_id>/", views.detail, name="detail"),
    path("<int:post_id>/edit/", views.edit, name="edit"),
    path("<int:post_id>/links/", link_views.link_issue, name="link_issue"),
    path("review/<str:token>/", link_views.review, name="review"),
    path("<int:post_id>/<slug:verb>/", views.act, name="act"),
]
