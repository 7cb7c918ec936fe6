from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("archiv/", views.meeting_archive, name="archive"),
    path("kalender.ics", views.calendar_feed, name="calendar"),
    path("feed/", views.UpcomingMeetingsFeed(), name="feed"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>.ics", views.meeting_ics, name="ics"),
]
