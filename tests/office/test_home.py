"""The office's home says what is due, for upcoming meetings and those of the past year."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import record_answer, send_invitations
from tests.conftest import CACHE_WRITE, totp_code
from tests.factories import PASSWORD, ContactPersonFactory, InvitationFactory, MeetingFactory


def meeting_in(days: int, **fields) -> Meeting:
    start = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    return MeetingFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3), **fields)


def agenda_of(staff) -> list[str]:
    """The office home's meeting cards, as their text, in order."""
    page = staff.get("/geschaeftsstelle/").text
    part = page.split("Treffen: was ansteht")[1].split("</main>")[0]
    cards = part.split('<li class="card">')[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", card).split()) for card in cards]


def test_what_is_due_comes_first_and_says_what(staff):
    soon = meeting_in(
        9, title="Treffen Wohnen", answer_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    InvitationFactory(meeting=soon, delivery="sent")
    meeting_in(20, title="Treffen Gesundheit")  # nobody invited yet
    done = meeting_in(40, title="Treffen Arbeit")
    InvitationFactory(meeting=done, delivery="sent", answer="yes")
    past = meeting_in(-10, title="Treffen Bildung", status=Meeting.Status.HELD)
    InvitationFactory(meeting=past, delivery="sent", answer="yes")

    cards = agenda_of(staff)

    assert [card.split(" Zu tun")[0].split(" Überfällig")[0].split(" ")[:2] for card in cards] == [
        ["Treffen", "Bildung"],
        ["Treffen", "Wohnen"],
        ["Treffen", "Gesundheit"],
        ["Treffen", "Arbeit"],
    ]
    assert "Überfällig: Anwesenheit erfassen, Protokoll ergänzen" in cards[0]
    assert "Zu tun: Rückmeldefrist vorbei, 1 ohne Antwort" in cards[1]
    assert "Zu tun: noch nicht eingeladen" in cards[2]
    assert "Zurzeit nichts zu tun." in cards[3]


def test_a_meeting_leaves_the_office_home_a_year_after_it_ended(staff):
    meeting_in(-400, title="Sehr altes Treffen", status=Meeting.Status.HELD)

    assert not any("Sehr altes Treffen" in card for card in agenda_of(staff))


def test_after_the_meeting_the_office_finds_its_round_from_the_home_and_its_page(staff, anonymous):
    past = meeting_in(-3, title="Treffen Gesundheit", status=Meeting.Status.HELD)

    home = staff.get("/geschaeftsstelle/").text
    page = staff.get(past.get_absolute_url()).text

    assert f"/geschaeftsstelle/treffen/{past.slug}/anwesenheit/" in home
    assert f"/geschaeftsstelle/treffen/{past.slug}/einladungen/" in page
    assert "/geschaeftsstelle/" not in anonymous.get(past.get_absolute_url()).text


@pytest.mark.parametrize("count", [1, 30])
def test_office_home_query_count_is_fixed(django_assert_num_queries, staff, count):
    for number in range(count):
        InvitationFactory(meeting=meeting_in(number - 5))
    # 1 session, 2 user, 3 the staff's second factor, 4 the invitations' latest change, 5 the
    # state of the meetings, 6 of the requests to take part, 7 the latest login and 8 the
    # directory's latest change (the upkeep figures' key), 9 the kept figures, 10 the cached
    # agenda; the first time also the figures of organisations and of contact persons, the
    # meetings with their round's figures and writing both to the database cache
    with django_assert_num_queries(13 + 2 * CACHE_WRITE):
        staff.get("/geschaeftsstelle/")
    with django_assert_num_queries(10):
        staff.get("/geschaeftsstelle/")


def test_the_office_home_shows_the_most_urgent_thirty_and_all_on_request(staff):
    for number in range(32):
        meeting_in(number + 1, title=f"Treffen {number:02}")

    first = agenda_of(staff)
    everything = staff.get("/geschaeftsstelle/", {"alle": "1"}).text

    assert len(first) == 30
    assert "Die 30 dringendsten von 32 Treffen sind zu sehen: alle zeigen" in " ".join(
        staff.get("/geschaeftsstelle/").text.split()
    )
    assert "Treffen 31" in everything


def test_the_cached_agenda_follows_sending_and_answers(staff, staff_user):
    meeting = meeting_in(20, title="Treffen Gesundheit")
    invitation = InvitationFactory(meeting=meeting)
    assert "noch nicht eingeladen" in agenda_of(staff)[0]

    send_invitations(meeting=meeting, sent_by=staff_user)
    assert "eingeladen, 1 Antwort offen" in agenda_of(staff)[0]

    record_answer(invitation=invitation, answer="yes", persons=1, note="")
    assert "Zurzeit nichts zu tun." in agenda_of(staff)[0]


@pytest.mark.parametrize("count", [1, 30])
def test_accounts_page_query_count_is_fixed(django_assert_num_queries, staff, count):
    for _ in range(count):
        ContactPersonFactory()
    # 1 session, 2 user, 3 the staff's second factor, 4 organisations and 5 contacts and
    # accounts counted, 6 count and 7 page of contacts without an account in use
    with django_assert_num_queries(7):
        staff.get("/geschaeftsstelle/zugaenge/")


def test_staff_land_on_the_office_home_after_login(staff_user):
    client = Client()
    client.post("/konto/login/", {"login": staff_user.email, "password": PASSWORD})

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        response = client.post("/konto/2fa/authenticate/", {"code": totp_code()})

    assert response["Location"] == "/geschaeftsstelle/"
