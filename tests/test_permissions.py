"""Every URL × every persona → the expected status.

A route of the project without a row here fails `test_every_route_has_a_row`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ["anonymous", "member", "editor", "outsider", "staff"]
LOGIN = "login"  # anonymous users are sent to the login page

# (route name, method, path template) → expected status per persona, in PERSONAS order.
MATRIX = [
    ("home", "get", "/", [200, 200, 200, 200, 200]),
    ("impressum", "get", "/impressum/", [200, 200, 200, 200, 200]),
    ("favicon", "get", "/favicon.ico", [302] * 5),
    # The same for everyone; 503 here: no worker beats in this test (tests/common/test_health.py).
    ("health", "get", "/gesundheit/", [503] * 5),
    ("datenschutz", "get", "/datenschutz/", [200, 200, 200, 200, 200]),
    ("organisations:list", "get", "/organisationen/", [200, 200, 200, 200, 200]),
    ("organisations:people", "get", "/organisationen/personen/", [LOGIN, 200, 200, 200, 200]),
    (
        "organisations:people",
        "get",
        "/organisationen/personen/?q=mira&region=landesweit",
        [LOGIN, 200, 200, 200, 200],
    ),
    ("organisations:detail", "get", "/organisationen/{a}/", [200, 200, 200, 200, 200]),
    ("organisations:detail", "get", "/organisationen/{unlisted}/", [404, 200, 200, 200, 200]),
    ("organisations:detail", "get", "/organisationen/unbekannt/", [404, 404, 404, 404, 404]),
    ("organisations:edit", "get", "/organisationen/{a}/bearbeiten/", [LOGIN, 403, 200, 404, 200]),
    ("organisations:edit", "get", "/organisationen/{b}/bearbeiten/", [LOGIN, 404, 404, 403, 200]),
    (
        "organisations:contact_edit",
        "get",
        "/organisationen/{a}/ansprechpersonen/{member_pk}/bearbeiten/",
        [LOGIN, 200, 200, 404, 200],
    ),
    (
        "organisations:contact_edit",
        "get",
        "/organisationen/{a}/ansprechpersonen/{other_pk}/bearbeiten/",
        [LOGIN, 403, 200, 404, 200],
    ),
    (
        "organisations:contact_edit",
        "get",
        "/organisationen/{b}/ansprechpersonen/{b_other_pk}/bearbeiten/",
        [LOGIN, 404, 404, 403, 200],
    ),
    (
        "organisations:contact_edit",
        "get",
        "/organisationen/{b}/ansprechpersonen/{member_pk}/bearbeiten/",
        [LOGIN, 404, 404, 404, 404],
    ),
    (
        "organisations:contact_add",
        "get",
        "/organisationen/{a}/ansprechpersonen/neu/",
        [LOGIN, 403, 200, 404, 200],
    ),
    (
        "organisations:contact_add",
        "post",
        "/organisationen/{b}/ansprechpersonen/neu/",
        [LOGIN, 404, 404, 403, 200],
    ),
    (
        "organisations:contact_delete",
        "get",
        "/organisationen/{a}/ansprechpersonen/{other_pk}/loeschen/",
        [LOGIN, 403, 200, 404, 200],
    ),
    (
        "organisations:contact_delete",
        "post",
        "/organisationen/{b}/ansprechpersonen/{b_other_pk}/loeschen/",
        [LOGIN, 404, 404, 403, 302],
    ),
    (
        "organisations:contact_delete",
        "get",
        "/organisationen/{a}/ansprechpersonen/{member_pk}/loeschen/",
        [LOGIN, 403, 200, 404, 200],
    ),
    (
        "organisations:contact_invite",
        "get",
        "/organisationen/{a}/ansprechpersonen/{other_pk}/zugang-einladen/",
        [LOGIN, 403, 403, 403, 405],
    ),
    (
        "organisations:contact_invite",
        "post",
        "/organisationen/{a}/ansprechpersonen/{other_pk}/zugang-einladen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    ("meetings:list", "get", "/treffen/", [200, 200, 200, 200, 200]),
    ("meetings:archive", "get", "/treffen/archiv/", [200, 200, 200, 200, 200]),
    ("meetings:detail", "get", "/treffen/{meeting}/", [200, 200, 200, 200, 200]),
    ("meetings:detail", "get", "/treffen/{announced}/", [200, 200, 200, 200, 200]),
    ("meetings:detail", "get", "/treffen/{internal_meeting}/", [404, 200, 200, 200, 200]),
    ("meetings:ics", "get", "/treffen/{meeting}.ics", [200, 200, 200, 200, 200]),
    ("meetings:ics", "get", "/treffen/{internal_meeting}.ics", [404, 404, 404, 404, 404]),
    ("meetings:ics", "get", "/treffen/{announced}.ics", [404, 404, 404, 404, 404]),
    ("meetings:request", "get", "/treffen/{meeting}/teilnahme/", [200] * 5),
    ("meetings:request", "post", "/treffen/{meeting}/teilnahme/", [200] * 5),
    (
        "meetings:request",
        "get",
        "/treffen/{internal_meeting}/teilnahme/",
        [404, 200, 200, 200, 200],
    ),
    ("meetings:request", "post", "/treffen/unbekannt/teilnahme/", [404] * 5),
    ("meetings:calendar", "get", "/treffen/kalender.ics", [200, 200, 200, 200, 200]),
    ("meetings:calendar", "get", "/treffen/kalender.ics?thema=unbekannt", [404] * 5),
    ("meetings:feed", "get", "/treffen/feed/", [200, 200, 200, 200, 200]),
    ("poll_answer", "get", "/abstimmung/{poll_token}/", [200] * 5),
    ("poll_answer", "post", "/abstimmung/{poll_token}/", [200] * 5),
    ("poll_answer", "get", "/abstimmung/unbekannt/", [404] * 5),
    ("poll_objection", "get", "/abstimmung/{poll_token}/widerspruch/", [200] * 5),
    ("poll_objection", "post", "/abstimmung/unbekannt/widerspruch/", [404] * 5),
    ("entry_check", "get", "/eintrag/{check_token}/", [200] * 5),
    ("entry_check", "post", "/eintrag/{check_token}/", [302] * 5),
    ("entry_check", "get", "/eintrag/unbekannt/", [404] * 5),
    ("entry_check_profile", "get", "/eintrag/{check_token}/profil/", [200] * 5),
    ("entry_check_profile", "post", "/eintrag/{check_token}/profil/", [200] * 5),
    ("entry_check_profile", "post", "/eintrag/unbekannt/profil/", [404] * 5),
    ("entry_check_contact", "get", "/eintrag/{check_token}/person/{other_pk}/", [200] * 5),
    ("entry_check_contact", "post", "/eintrag/{check_token}/person/{other_pk}/", [200] * 5),
    # Another organisation's person through this organisation's link: not found.
    ("entry_check_contact", "get", "/eintrag/{check_token}/person/{b_other_pk}/", [404] * 5),
    ("entry_check_gone", "get", "/eintrag/{check_token}/person/{other_pk}/weg/", [200] * 5),
    ("entry_check_gone", "post", "/eintrag/{check_token}/person/{other_pk}/weg/", [302] * 5),
    ("entry_check_gone", "post", "/eintrag/{check_token}/person/{b_other_pk}/weg/", [404] * 5),
    ("invitation_answer", "get", "/einladung/{token}/", [200, 200, 200, 200, 200]),
    ("invitation_answer", "get", "/einladung/unbekannt/", [404, 404, 404, 404, 404]),
    ("invitation_objection", "get", "/einladung/{token}/widerspruch/", [200] * 5),
    ("invitation_substitute", "get", "/einladung/{token}/vertretung/", [405] * 5),
    ("invitation_substitute", "post", "/einladung/{token}/vertretung/", [200] * 5),
    ("invitation_substitute", "post", "/einladung/unbekannt/vertretung/", [404] * 5),
    ("invitation_objection_lift", "get", "/einladung/{token}/widerspruch/aufheben/", [405] * 5),
    ("invitation_objection_lift", "post", "/einladung/{token}/widerspruch/aufheben/", [302] * 5),
    (
        "invitation_objection_lift",
        "post",
        "/einladung/unbekannt/widerspruch/aufheben/",
        [404] * 5,
    ),
    ("invitation_objection", "post", "/einladung/unbekannt/widerspruch/", [404] * 5),
    (
        "office:round",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:round",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/?suche=mira",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:round",
        "get",
        "/geschaeftsstelle/treffen/unbekannt/einladungen/",
        [LOGIN, 403, 403, 403, 404],
    ),
    (
        "office:round_add",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/hinzufuegen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:round_send",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/senden/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:invitation_remove",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/{invitation_pk}/entfernen/",
        [LOGIN, 403, 403, 403, 405],
    ),
    (
        "office:invitation_remove",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/{invitation_pk}/entfernen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:round_send",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/senden/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:substitute_confirm",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/vertretungen/{proposal_pk}/einladen/",
        [LOGIN, 403, 403, 403, 405],
    ),
    (
        "office:substitute_confirm",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/vertretungen/{proposal_pk}/einladen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:substitute_confirm",
        "post",
        "/geschaeftsstelle/treffen/{announced}/vertretungen/{proposal_pk}/einladen/",
        [LOGIN, 403, 403, 403, 404],
    ),
    (
        "office:substitute_reject",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/vertretungen/{proposal_pk}/ablehnen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/abstimmung/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll_add",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/hinzufuegen/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_add",
        "post",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/hinzufuegen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll_guest",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/gast/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_guest",
        "post",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/gast/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_send",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/senden/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_send",
        "post",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/senden/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll_remind",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/erinnern/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_remind",
        "post",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/erinnern/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll_choose",
        "get",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/termin/{slot_pk}/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:poll_choose",
        "post",
        "/geschaeftsstelle/treffen/{announced}/abstimmung/termin/{slot_pk}/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:poll_choose",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/abstimmung/termin/{slot_pk}/",
        [LOGIN, 403, 403, 403, 404],
    ),
    (
        "office:request_accept",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/anfragen/{request_pk}/annehmen/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:request_accept",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/anfragen/{request_pk}/annehmen/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:request_accept",
        "get",
        "/geschaeftsstelle/treffen/{announced}/anfragen/{request_pk}/annehmen/",
        [LOGIN, 403, 403, 403, 404],
    ),
    (
        "office:request_decline",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/anfragen/{request_pk}/absagen/",
        [LOGIN, 403, 403, 403, 405],
    ),
    (
        "office:request_decline",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/anfragen/{request_pk}/absagen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:request_delete",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/anfragen/{request_pk}/loeschen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:participants_csv",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/teilnehmende.csv",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:sign_in_sheet",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/teilnahmeliste/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:attendance",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/anwesenheit/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:attendance",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/anwesenheit/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:answer_for_invitee",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/{invitation_pk}/antwort/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:answer_for_invitee",
        "get",
        "/geschaeftsstelle/treffen/{announced}/einladungen/{invitation_pk}/antwort/",
        [LOGIN, 403, 403, 403, 404],
    ),
    (
        "office:guest_add",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/gast/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:guest_add",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/einladungen/gast/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:invitation_text",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/einladungstext/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:invitation_text",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/einladungstext/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:reminders",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/erinnerung/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:reminders",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/erinnerung/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:change_notices",
        "get",
        "/geschaeftsstelle/treffen/{meeting}/aenderung/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:change_notices",
        "post",
        "/geschaeftsstelle/treffen/{meeting}/aenderung/",
        [LOGIN, 403, 403, 403, 302],
    ),
    ("office:home", "get", "/geschaeftsstelle/", [LOGIN, 403, 403, 403, 200]),
    ("office:import_upload", "get", "/geschaeftsstelle/import/", [LOGIN, 403, 403, 403, 200]),
    ("office:import_upload", "post", "/geschaeftsstelle/import/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:import_preview",
        "get",
        "/geschaeftsstelle/import/{import_pk}/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:import_preview",
        "post",
        "/geschaeftsstelle/import/{import_pk}/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:import_confirm",
        "get",
        "/geschaeftsstelle/import/{import_pk}/bestaetigen/",
        [LOGIN, 403, 403, 403, 405],
    ),
    (
        "office:import_confirm",
        "post",
        "/geschaeftsstelle/import/{import_pk}/bestaetigen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    ("office:stale", "get", "/geschaeftsstelle/aktualitaet/", [LOGIN, 403, 403, 403, 200]),
    ("office:evaluation", "get", "/geschaeftsstelle/auswertung/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:evaluation",
        "get",
        "/geschaeftsstelle/auswertung/?von=2026-01-01&bis=2026-06-30&sortierung=name",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:evaluation_csv",
        "get",
        "/geschaeftsstelle/auswertung/organisationen.csv?jahr=2026",
        [LOGIN, 403, 403, 403, 200],
    ),
    ("figures", "get", "/netzwerk-in-zahlen/", [200] * 5),
    ("office:mailings", "get", "/geschaeftsstelle/rundmails/", [LOGIN, 403, 403, 403, 200]),
    ("office:mailing_new", "get", "/geschaeftsstelle/rundmails/neu/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:mailing_new",
        "post",
        "/geschaeftsstelle/rundmails/neu/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:mailing",
        "get",
        "/geschaeftsstelle/rundmails/{mailing_pk}/?audience=alle&kind=union",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:mailing_edit",
        "get",
        "/geschaeftsstelle/rundmails/{mailing_pk}/text/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:mailing_add",
        "post",
        "/geschaeftsstelle/rundmails/{mailing_pk}/hinzufuegen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:mailing_remove",
        "post",
        "/geschaeftsstelle/rundmails/{mailing_pk}/entfernen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:mailing_send",
        "get",
        "/geschaeftsstelle/rundmails/{mailing_pk}/senden/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:mailing_send",
        "post",
        "/geschaeftsstelle/rundmails/{mailing_pk}/senden/",
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "office:mailing_delete",
        "post",
        "/geschaeftsstelle/rundmails/{mailing_pk}/loeschen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    ("mailing_unsubscribe", "get", "/rundmail/{mailing_token}/", [200] * 5),
    ("mailing_unsubscribe", "post", "/rundmail/{mailing_token}/", [302] * 5),
    ("mailing_unsubscribe", "get", "/rundmail/unbekannt/", [404] * 5),
    ("mailing_resubscribe", "get", "/rundmail/{mailing_token}/wieder/", [405] * 5),
    ("mailing_resubscribe", "post", "/rundmail/{mailing_token}/wieder/", [302] * 5),
    ("mailing_resubscribe", "post", "/rundmail/unbekannt/wieder/", [404] * 5),
    (
        "office:stale",
        "get",
        "/geschaeftsstelle/aktualitaet/?liste=adressen",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:check_again",
        "post",
        "/geschaeftsstelle/aktualitaet/nachfragen/",
        [LOGIN, 403, 403, 403, 302],
    ),
    ("office:accounts", "get", "/geschaeftsstelle/zugaenge/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:accounts",
        "get",
        "/geschaeftsstelle/zugaenge/?suche=mira&zugang=kein",
        [LOGIN, 403, 403, 403, 200],
    ),
    ("admin:index", "get", "/admin/", [302, 302, 302, 302, 200]),
    ("account_login", "get", "/konto/login/", [200, 302, 302, 302, 302]),
    ("account_signup", "get", "/konto/signup/", [200, 302, 302, 302, 302]),
    ("account_reset_password", "get", "/konto/password/reset/", [200, 200, 200, 200, 200]),
    ("account_request_login_code", "get", "/konto/login/code/", [200, 302, 302, 302, 302]),
    ("account_logout", "get", "/konto/logout/", [302, 200, 200, 200, 200]),
    ("account", "get", "/konto/", [LOGIN, 200, 200, 200, 200]),
    ("own_data", "get", "/konto/meine-daten/", [LOGIN, 200, 200, 200, 404]),
    ("own_data_json", "get", "/konto/meine-daten.json", [LOGIN, 200, 200, 200, 404]),
    ("office:person_search", "get", "/geschaeftsstelle/personen/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:person_search",
        "get",
        "/geschaeftsstelle/personen/?email=mitglied@example.org",
        [LOGIN, 403, 403, 403, 200],
    ),
    ("office:person_search", "post", "/geschaeftsstelle/personen/", [LOGIN, 403, 403, 403, 200]),
    (
        "office:person_data",
        "get",
        "/geschaeftsstelle/personen/{member_pk}/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:person_data",
        "post",
        "/geschaeftsstelle/personen/{member_pk}/",
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "office:person_data_json",
        "get",
        "/geschaeftsstelle/personen/{member_pk}.json",
        [LOGIN, 403, 403, 403, 200],
    ),
    ("account_email", "get", "/konto/email/", [LOGIN, 200, 200, 200, 200]),
    ("account_change_password", "get", "/konto/password/change/", [LOGIN, 200, 200, 200, 200]),
    ("set_language", "post", "/i18n/setlang/", [302, 302, 302, 302, 302]),
    ("mfa_index", "get", "/konto/2fa/", [LOGIN, 200, 200, 200, 200]),
    ("mfa_activate_totp", "get", "/konto/2fa/totp/activate/", [LOGIN, 302, 302, 302, 302]),
    ("admin_login", "get", "/admin/login/?next=/admin/", [302, 302, 302, 302, 302]),
]

# Routes that are not pages of their own, or belong to libraries and are covered through the
# rows above (allauth's flows are tested in tests/organisations/test_accounts.py).
# allauth's route names; its second-factor flows are tested in tests/organisations/test_mfa.py.
NOT_IN_MATRIX = {"account_", "mfa_"}
LIBRARY_NAMESPACES = {"admin"}


@pytest.mark.parametrize(("name", "method", "path", "expected"), MATRIX)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(request, matrix_objects, persona, name, method, path, expected):
    client = request.getfixturevalue(persona)
    url = path.format(**matrix_objects)
    status = expected[PERSONAS.index(persona)]

    response = getattr(client, method)(url)

    if status == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/konto/login/?next=")
    else:
        assert response.status_code == status, url


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_route_has_a_row():
    covered = {row[0] for row in MATRIX}
    missing = [
        name
        for name in walk(get_resolver().url_patterns)
        if name not in covered
        and name.split(":")[0] not in LIBRARY_NAMESPACES
        and not name.startswith(tuple(NOT_IN_MATRIX))
    ]
    assert missing == [], f"routes without a row in the permission matrix: {missing}"
