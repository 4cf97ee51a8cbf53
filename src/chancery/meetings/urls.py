"""Pages for video meetings (mounted at ``/meetings/``)."""

from django.urls import path

from chancery.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_schedule, name="schedule"),
    path("from-cable/<int:cable_id>/", views.meeting_from_cable, name="from_cable"),
    path("from-channel/<int:channel_id>/", views.meeting_from_channel, name="from_channel"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/join/", views.meeting_join, name="join"),
    path("<int:meeting_id>/invitation.ics", views.meeting_invitation, name="invitation"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
]
