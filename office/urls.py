"""Everything under /geschaeftsstelle/: each view carries the staff guard (common.staff)."""

from django.urls import path

from office import attendance, figures, imports, mailings, polls, requests, rounds, upkeep, views

app_name = "office"

meeting = "treffen/<slug:slug>"

urlpatterns = [
    path("", views.home, name="home"),
    path("zugaenge/", views.accounts, name="accounts"),
    path("personen/", views.person_search, name="person_search"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("import/<int:pk>/bestaetigen/", imports.import_confirm, name="import_confirm"),
    path("aktualitaet/", upkeep.stale, name="stale"),
    path("auswertung/", figures.evaluation, name="evaluation"),
    path("rundmails/", mailings.mailing_list, name="mailings"),
    path("rundmails/neu/", mailings.mailing_compose, name="mailing_new"),
    path("rundmails/<int:pk>/", mailings.mailing_page, name="mailing"),
    path("rundmails/<int:pk>/text/", mailings.mailing_compose, name="mailing_edit"),
    path("rundmails/<int:pk>/hinzufuegen/", mailings.mailing_add, name="mailing_add"),
    path("rundmails/<int:pk>/entfernen/", mailings.mailing_remove, name="mailing_remove"),
    path("rundmails/<int:pk>/senden/", mailings.mailing_send, name="mailing_send"),
    path("rundmails/<int:pk>/loeschen/", mailings.mailing_delete, name="mailing_delete"),
    path("auswertung/organisationen.csv", figures.evaluation_csv, name="evaluation_csv"),
    path("aktualitaet/nachfragen/", upkeep.check_again, name="check_again"),
    path("personen/<int:pk>/", views.person_data, name="person_data"),
    path("personen/<int:pk>.json", views.person_data, {"as_json": True}, name="person_data_json"),
    path(f"{meeting}/einladungen/", rounds.invitation_round, name="round"),
    path(f"{meeting}/einladungen/hinzufuegen/", rounds.invitation_add, name="round_add"),
    path(f"{meeting}/einladungen/senden/", rounds.invitation_send, name="round_send"),
    path(f"{meeting}/einladungen/gast/", rounds.guest_add, name="guest_add"),
    path(
        f"{meeting}/einladungen/<int:pk>/entfernen/",
        rounds.invitation_remove,
        name="invitation_remove",
    ),
    path(
        f"{meeting}/vertretungen/<int:pk>/einladen/",
        rounds.substitute_confirm,
        name="substitute_confirm",
    ),
    path(
        f"{meeting}/vertretungen/<int:pk>/ablehnen/",
        rounds.substitute_reject,
        name="substitute_reject",
    ),
    path(f"{meeting}/anfragen/<int:pk>/annehmen/", requests.request_accept, name="request_accept"),
    path(f"{meeting}/anfragen/<int:pk>/absagen/", requests.request_decline, name="request_decline"),
    path(f"{meeting}/anfragen/<int:pk>/loeschen/", requests.request_delete, name="request_delete"),
    path(f"{meeting}/abstimmung/", polls.poll_page, name="poll"),
    path(f"{meeting}/abstimmung/hinzufuegen/", polls.poll_add, name="poll_add"),
    path(f"{meeting}/abstimmung/gast/", polls.poll_guest, name="poll_guest"),
    path(f"{meeting}/abstimmung/senden/", polls.poll_send, name="poll_send"),
    path(f"{meeting}/abstimmung/erinnern/", polls.poll_remind, name="poll_remind"),
    path(f"{meeting}/abstimmung/termin/<int:pk>/", polls.poll_choose, name="poll_choose"),
    path(f"{meeting}/einladungstext/", rounds.invitation_text, name="invitation_text"),
    path(f"{meeting}/erinnerung/", rounds.notice_round, {"kind": "reminder"}, name="reminders"),
    path(f"{meeting}/aenderung/", rounds.notice_round, {"kind": "change"}, name="change_notices"),
    path(
        f"{meeting}/einladungen/<int:pk>/antwort/",
        attendance.answer_for_invitee,
        name="answer_for_invitee",
    ),
    path(f"{meeting}/anwesenheit/", attendance.attendance, name="attendance"),
    path(f"{meeting}/teilnehmende.csv", attendance.participants_csv, name="participants_csv"),
    path(f"{meeting}/teilnahmeliste/", attendance.sign_in_sheet, name="sign_in_sheet"),
]
