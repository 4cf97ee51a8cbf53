"""Pages for outreach (mounted at ``/outreach/``)."""

from django.urls import path

from chancery.outreach import account_views, campaign_views, image_views, link_views, results_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("month/", views.calendar_month, name="calendar_month"),
    path("queue/", views.queue, name="queue"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/results/", results_views.campaign_results, name="campaign_results"),
    path("templates/", results_views.templates, name="templates"),
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/callback/", account_views.account_callback_base, name="account_callback"),
    path("accounts/callback/<slug:server>/", account_views.account_callback, name="account_callback_server"),
    path("accounts/<int:account_id>/<slug:verb>/", account_views.account_action, name="account_action"),
    path("workflow/", account_views.workflow, name="workflow"),
    path("new/", views.compose, name="compose"),
    path("images/<int:document_id>/thumbnail/", image_views.image_thumbnail, name="image_thumbnail"),
    path("respond/<int:alert_id>/", views.respond, name="respond"),
    path("<int:post_id>/", views.detail, name="detail"),
    path("<int:post_id>/edit/", views.edit, name="edit"),
    path("<int:post_id>/results/", results_views.post_results, name="results"),
    path("<int:post_id>/results/send/", results_views.replies_send, name="replies_send"),
    path("<int:post_id>/links/", link_views.link_issue, name="link_issue"),
    path("review/<str:token>/", link_views.review, name="review"),
    path("<int:post_id>/<slug:verb>/", views.act, name="act"),
]
