"""Pages for the agreements workspace (mounted at ``/agreements/``)."""

from django.urls import path

from chancery.agreements import negotiation_views, obligation_views, relation_views, signing_views, views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("board/", views.agreement_board, name="agreement_board"),
    path("export.csv", views.agreement_export, name="agreement_export"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("<int:agreement_id>/parties/", views.party_add, name="party_add"),
    path("<int:agreement_id>/events/", views.event_record, name="event_record"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("<int:agreement_id>/relations/", relation_views.relation_add, name="relation_add"),
    path(
        "<int:agreement_id>/relations/<int:relation_id>/remove/",
        relation_views.relation_remove,
        name="relation_remove",
    ),
    path("<int:agreement_id>/texts/", signing_views.text_sign, name="text_sign"),
    path("texts/<int:signed_text_id>/", signing_views.text_verify, name="text_verify"),
    path("<int:agreement_id>/negotiation/", negotiation_views.negotiation_detail, name="negotiation"),
    path("<int:agreement_id>/negotiation/rounds/", negotiation_views.round_create, name="round_create"),
    path("<int:agreement_id>/negotiation/drafts/", negotiation_views.draft_attach, name="draft_attach"),
    path("<int:agreement_id>/negotiation/positions/", negotiation_views.position_create, name="position_create"),
    path("<int:agreement_id>/negotiation/comments/", negotiation_views.comment_add, name="comment_add"),
    path("<int:agreement_id>/negotiation/redline/", negotiation_views.draft_redline, name="draft_redline"),
    path("<int:agreement_id>/negotiation/minutes/", negotiation_views.round_minutes, name="round_minutes"),
    path("<int:agreement_id>/obligations/", obligation_views.obligation_create, name="obligation_create"),
    path("obligations/<int:obligation_id>/complete/", obligation_views.obligation_complete, name="obligation_complete"),
    path("deadlines/", obligation_views.deadlines, name="deadlines"),
    path("calendar/token/", obligation_views.calendar_token, name="calendar_token"),
    path("calendar/token/revoke/", obligation_views.calendar_token_revoke, name="calendar_token_revoke"),
    path("calendar/<str:token>.ics", obligation_views.user_feed, name="user_feed"),
    path("<int:agreement_id>/calendar.ics", obligation_views.agreement_feed, name="agreement_feed"),
]
