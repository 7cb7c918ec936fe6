from django.urls import path

from meetings import staff_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("archiv/", views.meeting_archive, name="archive"),
    path("kalender.ics", views.calendar_feed, name="calendar"),
    path("feed/", views.UpcomingMeetingsFeed(), name="feed"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>.ics", views.meeting_ics, name="ics"),
]

staff_urlpatterns = [
    path("<slug:slug>/einladungen/", staff_views.invitation_round, name="round"),
    path("<slug:slug>/einladungen/hinzufuegen/", staff_views.invitation_add, name="round_add"),
    path("<slug:slug>/einladungen/senden/", staff_views.invitation_send, name="round_send"),
    path("<slug:slug>/einladungen/gast/", staff_views.guest_add, name="guest_add"),
    path("<slug:slug>/einladungstext/", staff_views.invitation_text, name="invitation_text"),
    path(
        "<slug:slug>/erinnerung/",
        staff_views.notice_round,
        {"kind": "reminder"},
        name="reminders",
    ),
    path(
        "<slug:slug>/aenderung/",
        staff_views.notice_round,
        {"kind": "change"},
        name="change_notices",
    ),
    path("<slug:slug>/teilnehmende.csv", staff_views.participants_csv, name="participants_csv"),
    path("<slug:slug>/teilnahmeliste/", staff_views.sign_in_sheet, name="sign_in_sheet"),
    path("<slug:slug>/anwesenheit/", staff_views.attendance, name="attendance"),
    path(
        "<slug:slug>/einladungen/<int:pk>/antwort/",
        staff_views.answer_for_invitee,
        name="answer_for_invitee",
    ),
]
