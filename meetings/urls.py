from django.urls import path

from meetings import poll_views, views

app_name = "meetings"

# /treffen/…: the calendar.
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("archiv/", views.meeting_archive, name="archive"),
    path("kalender.ics", views.calendar_feed, name="calendar"),
    path("feed/", views.UpcomingMeetingsFeed(), name="feed"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>.ics", views.meeting_ics, name="ics"),
    path("<slug:slug>/teilnahme/", views.meeting_request, name="request"),
]

# /abstimmung/<token>/…: a date poll's participant, from the personal link (no account).
poll_urlpatterns = [
    path("<str:token>/", poll_views.poll_answer, name="poll_answer"),
    path("<str:token>/widerspruch/", poll_views.poll_objection, name="poll_objection"),
]

# /einladung/<token>/…: the invitee's pages, reached from the personal link (no account).
invitee_urlpatterns = [
    path("<str:token>/", views.invitation_answer, name="invitation_answer"),
    path("<str:token>/vertretung/", views.invitation_substitute, name="invitation_substitute"),
    path("<str:token>/widerspruch/", views.invitation_objection, name="invitation_objection"),
    path(
        "<str:token>/widerspruch/aufheben/",
        views.invitation_objection_lift,
        name="invitation_objection_lift",
    ),
]
