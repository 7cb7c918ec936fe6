"""Date polls: from "1. Quartal 2027" to a fixed date, with every organisation heard and
everyone told (issue 15)."""

import datetime
import email
from collections import Counter
from email import policy

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings.models import DatePoll, Invitation, Meeting, PollAnswer, PollParticipant, PollSlot
from meetings.polls import (
    add_participants,
    open_poll,
    poll_results,
    record_poll_answer,
    send_poll,
    send_poll_reminders,
)
from meetings.services import object_to_invitations
from organisations.models import ContactPerson, SuppressedAddress
from privacy.services import erase, export
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, MeetingFactory, OrganisationFactory, TopicFactory

ZONE = timezone.get_default_timezone()


def at(day: int, hour: int = 14, year: int = 2027, month: int = 2) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=ZONE)


@pytest.fixture
def announced(db):
    return MeetingFactory(
        title="Kinder und Jugendliche",
        status="announced",
        starts_at=None,
        ends_at=None,
        period_year=2027,
        period_quarter=1,
    )


def slots(count=3):
    return [(at(day), at(day, 17)) for day in range(10, 10 + count)]


@pytest.fixture
def poll(announced, staff_user):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=ZONE), tick=True):
        return open_poll(
            meeting=announced,
            deadline=datetime.datetime(2027, 1, 15, 23, 59, tzinfo=ZONE),
            note="Bitte bis Mitte Januar.",
            slots=slots(),
            opened_by=staff_user,
        )


def ask(poll, *contacts, reason="staff"):
    add_participants(poll=poll, contacts=contacts, reason=reason)
    return [PollParticipant.objects.get(poll=poll, contact=contact) for contact in contacts]


def answer(participant, *choices, comment=""):
    record_poll_answer(
        participant=participant,
        choices=dict(
            zip(participant.poll.slots.values_list("pk", flat=True), choices, strict=True)
        ),
        comment=comment,
    )


# -- opening ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "deadline", "message"),
    [
        (1, datetime.datetime(2027, 1, 15, tzinfo=ZONE), "zwischen 2 und 12 Termine"),
        (13, datetime.datetime(2027, 1, 15, tzinfo=ZONE), "zwischen 2 und 12 Termine"),
        (3, datetime.datetime(2026, 11, 1, tzinfo=ZONE), "in der Zukunft"),
        (3, datetime.datetime(2027, 2, 11, tzinfo=ZONE), "vor dem ersten Termin"),
    ],
)
def test_a_poll_needs_two_to_twelve_dates_and_a_deadline_before_them(
    announced, staff_user, count, deadline, message
):
    offered = [
        (at(1 + day % 28, month=2 + day // 28), at(1 + day % 28, 17, month=2 + day // 28))
        for day in range(count)
    ]
    with pytest.raises(ValidationError, match=message):
        open_poll(
            meeting=announced, deadline=deadline, note="", slots=offered, opened_by=staff_user
        )
    assert not DatePoll.objects.exists()


def test_the_office_opens_a_poll_and_hears_of_dates_outside_the_period(staff, announced):
    url = f"/geschaeftsstelle/treffen/{announced.slug}/abstimmung/"
    data = {
        "slots-TOTAL_FORMS": "12",
        "slots-INITIAL_FORMS": "0",
        "slots-0-day": "2027-02-10",
        "slots-0-starts": "14:00",
        "slots-0-ends": "17:00",
        "slots-1-day": "2027-05-04",  # the second quarter: outside "1. Quartal 2027"
        "slots-1-starts": "10:00",
        "slots-1-ends": "13:00",
        "deadline": "2027-01-20",
        "note": "",
    }

    form = staff.get(url).text
    response = staff.post(url, data, follow=True)

    assert "Terminabstimmung eröffnen" in form
    assert "Die Terminabstimmung ist eröffnet" in response.text
    assert "liegt außerhalb des angekündigten Zeitraums (1. Quartal 2027)" in response.text
    poll = DatePoll.objects.get(meeting=announced)
    assert poll.slots.count() == 2
    assert timezone.localtime(poll.deadline).date() == datetime.date(2027, 1, 20)


def test_a_bad_date_row_changes_nothing_and_keeps_what_was_typed(staff, announced):
    url = f"/geschaeftsstelle/treffen/{announced.slug}/abstimmung/"
    data = {
        "slots-TOTAL_FORMS": "12",
        "slots-INITIAL_FORMS": "0",
        "slots-0-day": "2027-02-10",
        "slots-0-starts": "17:00",
        "slots-0-ends": "14:00",
        "deadline": "2027-01-20",
        "note": "Nicht verlieren",
    }

    response = staff.post(url, data)

    assert "Das Ende muss nach dem Beginn liegen." in response.text
    assert "Nicht verlieren" in response.text and 'value="2027-02-10"' in response.text
    assert not DatePoll.objects.exists()


# -- who is asked ------------------------------------------------------------------------------


def test_objection_and_suppression_hold_as_for_invitations(poll, staff_user):
    willing = ContactPersonFactory()
    objected = ContactPersonFactory()
    object_to_invitations(contact=objected)
    erased_address = ContactPersonFactory(email="alt@example.org")
    SuppressedAddress.add("alt@example.org")
    erased_address.save()  # the suppression list holds on every save

    added = add_participants(
        poll=poll, contacts=[willing, objected, erased_address], reason="staff"
    )

    assert added == 1
    assert list(poll.participants.values_list("contact", flat=True)) == [willing.pk]


@pytest.mark.django_db(transaction=True)
def test_one_mail_per_person_once_even_after_a_second_click_and_a_crash(
    poll, staff_user, monkeypatch
):
    people = [ContactPersonFactory() for _ in range(3)]
    ask(poll, *people)
    crash_for = people[1].email
    real_send = mail.EmailMultiAlternatives.send

    def crashing_send(message, *args, **kwargs):
        if message.to == [crash_for]:
            raise RuntimeError("worker killed")
        return real_send(message, *args, **kwargs)

    assert send_poll(poll=poll, sent_by=staff_user) == 3
    assert send_poll(poll=poll, sent_by=staff_user) == 0  # the second click
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", crashing_send)
    run_worker()
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    assert send_poll(poll=poll, sent_by=staff_user) == 0  # not stuck yet
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert send_poll(poll=poll, sent_by=staff_user) == 1
    run_worker()

    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        {person.email: 1 for person in people}
    )
    message = mail.outbox[0]
    assert message.subject == "Welcher Termin passt Ihnen? Kinder und Jugendliche"
    assert (
        "/abstimmung/" in message.body
        and "Mittwoch, 10. Februar 2027, 14:00–\u206017:00" in message.body
    )


@pytest.mark.django_db(transaction=True)
def test_an_objection_after_asking_withholds_the_mail(poll, staff_user):
    (participant,) = ask(poll, ContactPersonFactory())
    send_poll(poll=poll, sent_by=staff_user)
    object_to_invitations(contact=participant.contact)

    run_worker()

    assert mail.outbox == []
    participant.refresh_from_db()
    assert participant.delivery == "failed"


@pytest.mark.django_db(transaction=True)
def test_reminders_go_to_those_without_an_answer_never_twice_a_day(poll, staff_user):
    quiet, answered = ask(poll, ContactPersonFactory(), ContactPersonFactory())
    send_poll(poll=poll, sent_by=staff_user)
    run_worker()
    answer(answered, "yes", "no", "maybe")

    assert send_poll_reminders(poll=poll, sent_by=staff_user) == 1
    assert send_poll_reminders(poll=poll, sent_by=staff_user) == 0
    run_worker()

    reminders = [m for m in mail.outbox if m.subject.startswith("Erinnerung")]
    assert [m.to[0] for m in reminders] == [quiet.contact.email]


# -- answering ---------------------------------------------------------------------------------


def test_the_participant_answers_each_date_and_sees_counts_not_names(poll):
    first_org = OrganisationFactory(name="Diakonie")
    a, b, c = ask(
        poll,
        ContactPersonFactory(organisation=first_org, name="Anna A"),
        ContactPersonFactory(organisation=first_org, name="Bernd B"),
        ContactPersonFactory(name="Cem C"),
    )
    answer(b, "yes", "maybe", "no")
    answer(c, "yes", "no", "no")
    url = a.get_answer_url()
    client = Client()
    slot_ids = list(poll.slots.values_list("pk", flat=True))

    page = client.get(url)
    response = client.post(
        url,
        {
            f"slot_{slot_ids[0]}": "yes",
            f"slot_{slot_ids[1]}": "no",
            f"slot_{slot_ids[2]}": "maybe",
            "comment": "Nachmittags besser.",
        },
        follow=True,
    )

    text = " ".join(page.text.split())
    assert "Bisher können 2 Organisationen kommen" in text  # Diakonie once, however many answer
    assert "Bernd B" not in page.text and "Cem C" not in page.text
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert "Vielen Dank, Ihre Antwort ist gespeichert." in response.text
    assert dict(a.answers.values_list("slot_id", "choice")) == dict(
        zip(slot_ids, ["yes", "no", "maybe"], strict=True)
    )
    a.refresh_from_db()
    assert a.comment == "Nachmittags besser." and a.answered_at is not None


def test_the_kept_answer_page_follows_every_answer_the_deadline_and_an_objection(poll):
    a, b = ask(poll, ContactPersonFactory(), ContactPersonFactory())
    url = a.get_answer_url()

    def page():
        return " ".join(Client().get(url).text.split())

    assert page().count("Bisher können 0 Organisationen kommen") == 3
    answer(b, "yes", "no", "maybe")  # another participant's answer
    assert page().count("Bisher kann 1 Organisation kommen") == 2
    answer(a, "no", "no", "yes", comment="Lieber spät.")  # the participant's own
    after = page()
    assert "Lieber spät." in after and after.count("checked") == 3
    assert "Antwort ändern" in after and "Keine weiteren Einladungen" in after
    Client().post(f"/abstimmung/{a.token}/widerspruch/")
    assert "Keine weiteren Einladungen" not in page()
    with time_machine.travel(datetime.datetime(2027, 1, 16, 9, tzinfo=ZONE)):
        closed = page()
    assert "disabled" in closed and "Antwort ändern" not in closed


def test_an_answer_missing_a_date_is_refused_and_summarised(poll):
    (participant,) = ask(poll, ContactPersonFactory())
    first = poll.slots.first()

    response = Client().post(
        participant.get_answer_url(), {f"slot_{first.pk}": "yes", "comment": "x"}
    )

    assert "Bitte wählen Sie für diesen Termin eine Antwort." in response.text
    assert 'class="error-summary"' in response.text
    assert not PollAnswer.objects.exists()


def test_answers_change_until_the_deadline_then_the_link_shows_the_outcome_then_expires(poll):
    (participant,) = ask(poll, ContactPersonFactory())
    url = participant.get_answer_url()
    slot_ids = list(poll.slots.values_list("pk", flat=True))
    data = {f"slot_{pk}": "yes" for pk in slot_ids}

    with time_machine.travel(datetime.datetime(2027, 1, 16, 9, tzinfo=ZONE)):
        after_deadline = Client().post(url, data, follow=True)
    with time_machine.travel(datetime.datetime(2027, 1, 31, 9, tzinfo=ZONE)):
        expired = Client().get(url)

    assert "Die Abstimmung ist geschlossen. Es wurde nichts geändert." in after_deadline.text
    assert not PollAnswer.objects.exists()
    assert expired.status_code == 404


def test_a_revoked_or_unknown_link_gives_the_same_404(poll):
    (participant,) = ask(poll, ContactPersonFactory())
    url = participant.get_answer_url()
    PollParticipant.objects.filter(pk=participant.pk).update(revoked_at=timezone.now())

    assert Client().get(url).status_code == 404
    assert Client().get("/abstimmung/" + "0" * 64 + "/").status_code == 404


def test_the_poll_page_objection_asks_once_and_then_holds(poll):
    (participant,) = ask(poll, ContactPersonFactory())
    url = f"/abstimmung/{participant.token}/widerspruch/"

    question = Client().get(url)
    participant.contact.refresh_from_db()
    assert participant.contact.receives_invitations
    Client().post(url)

    assert "Wirklich?" in question.text
    participant.contact.refresh_from_db()
    assert not participant.contact.receives_invitations
    assert SuppressedAddress.contains(participant.contact.email)


# -- results -----------------------------------------------------------------------------------


def test_organisations_count_once_core_circle_coverage_and_the_rule(poll):
    core = OrganisationFactory(name="Flüchtlingsrat", in_core_circle=True)
    other_core = OrganisationFactory(name="Caritas", in_core_circle=True)
    small = OrganisationFactory(name="Initiative")
    core_a, core_b, caritas, initiative = ask(
        poll,
        ContactPersonFactory(organisation=core),
        ContactPersonFactory(organisation=core),
        ContactPersonFactory(organisation=other_core),
        ContactPersonFactory(organisation=small),
    )
    answer(core_a, "yes", "yes", "maybe")
    answer(core_b, "yes", "no", "no")  # same organisation: it counts once
    answer(caritas, "no", "maybe", "yes")
    answer(initiative, "yes", "yes", "yes")

    results = poll_results(poll)
    first, second, third = results["slots"]

    assert [r.organisations for r in (first, second, third)] == [2, 3, 3]
    assert (first.yes, first.maybe, first.no) == (3, 0, 1)
    assert first.core_missing == ["Caritas"] and second.core_complete and third.core_complete
    # Second and third: three organisations, core circle complete, one "notfalls" each: a tie.
    assert results["best"] == [second, third]
    assert not first.best


def test_fewest_if_need_be_breaks_a_tie(poll):
    a, b = ask(poll, ContactPersonFactory(), ContactPersonFactory())
    answer(a, "yes", "maybe", "no")
    answer(b, "yes", "yes", "no")

    assert [r.slot.starts_at for r in poll_results(poll)["best"]] == [at(10)]


def test_the_results_page_shows_the_rule_and_the_unanswered(staff, poll, staff_user):
    answered, quiet = ask(
        poll, ContactPersonFactory(name="Ada Antwort"), ContactPersonFactory(name="Otto Offen")
    )
    PollParticipant.objects.update(delivery="sent")
    answer(answered, "yes", "no", "no")

    page = " ".join(
        staff.get(f"/geschaeftsstelle/treffen/{poll.meeting.slug}/abstimmung/").text.split()
    )

    assert "Der beste Termin: die meisten Organisationen, die kommen können" in page
    assert "bester Termin" in page
    assert "Geantwortet: 1 von 2 gefragten Personen" in page
    assert "Otto Offen" in page


def test_the_participants_figures_say_what_the_send_button_would_queue(poll):
    from django.db.models import Q

    from meetings.services import stuck
    from office.polls import participant_counts

    people = ask(poll, *ContactPersonFactory.create_batch(6))
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    states = [
        {"delivery": "draft"},
        {"delivery": "failed"},
        {"delivery": "queued", "queued_at": long_ago},  # stuck
        {"delivery": "queued", "queued_at": timezone.now()},  # under way
        {"delivery": "sent", "answered_at": timezone.now()},
        {"delivery": "sent"},
    ]
    for participant, state in zip(people, states, strict=True):
        PollParticipant.objects.filter(pk=participant.pk).update(**state)

    figures = participant_counts(poll)

    waiting = poll.participants.filter(Q(delivery__in=["draft", "failed"]) | stuck())
    assert figures == {
        "total": 6,
        "draft": waiting.count(),
        "sent": 2,
        "answered": 1,
        "unanswered": 1,
    }
    assert figures["draft"] == 3


def test_the_kept_results_follow_mails_answers_names_and_the_core_circle(staff, poll):
    ada, otto = ask(
        poll, ContactPersonFactory(name="Ada Antwort"), ContactPersonFactory(name="Otto Offen")
    )
    url = f"/geschaeftsstelle/treffen/{poll.meeting.slug}/abstimmung/"

    def page():
        return " ".join(staff.get(url).text.split())

    assert "Geantwortet: 0 von 2 gefragten Personen (0 erreicht)" in page()
    PollParticipant.objects.update(delivery="sent")  # as the worker does: no change of time
    assert "(2 erreicht)" in page() and "Otto Offen" in page()
    answer(ada, "yes", "no", "no", comment="Gern am Nachmittag.")
    after = page()
    assert "Geantwortet: 1 von 2" in after and "Gern am Nachmittag." in after
    answer(ada, "no", "yes", "no", comment="Doch lieber vormittags.")  # a changed answer
    assert "Doch lieber vormittags." in page()
    otto.contact.name = "Otto Umbenannt"
    otto.contact.save()
    assert "Otto Umbenannt" in page()
    core = OrganisationFactory(name="Caritas Kernkreis", in_core_circle=True)
    assert "nicht dabei: Caritas Kernkreis" in page()
    core.in_core_circle = False
    core.save()
    assert "Caritas Kernkreis" not in page()


@pytest.mark.parametrize("count", [1, 300])
def test_answer_and_results_pages_query_counts_are_fixed(
    django_assert_num_queries, staff, announced, staff_user, count
):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=ZONE), tick=True):
        poll = open_poll(
            meeting=announced,
            deadline=datetime.datetime(2027, 1, 15, tzinfo=ZONE),
            note="",
            slots=[(at(day), at(day, 17)) for day in range(1, 13)],
            opened_by=staff_user,
        )
    organisation = OrganisationFactory()
    contacts = ContactPerson.objects.bulk_create(
        ContactPerson(organisation=organisation, name=f"P {n}", email=f"p{n}@example.org")
        for n in range(count)
    )
    add_participants(poll=poll, contacts=contacts, reason="staff")
    slot_ids = list(poll.slots.values_list("pk", flat=True))
    PollAnswer.objects.bulk_create(
        PollAnswer(participant=participant, slot_id=slot, choice="yes")
        for participant in poll.participants.all()
        for slot in slot_ids
    )
    participant = poll.participants.first()

    # A working link costs no rate-limit queries (only misses and changes count). The first
    # reading renders the cards (slots, own answers, organisations per slot) into the cache;
    # read again: 1 the participant with poll, meeting and contact, 2 the cached cards
    Client().get(participant.get_answer_url())
    with django_assert_num_queries(2):
        page = Client().get(participant.get_answer_url()).content.decode()
    assert page.count("Bisher kann 1 Organisation kommen") == 12
    # The first reading renders the results into the cache; read again: 1 session, 2 user,
    # 3 second factor, 4 poll with meeting, 5 participants' figures, 6 latest change to
    # organisations and contact persons, 7 the cached page
    url = f"/geschaeftsstelle/treffen/{announced.slug}/abstimmung/"
    staff.get(url)
    with django_assert_num_queries(7):
        page = staff.get(url).text
    assert f"Geantwortet: 0 von {count} gefragte" in " ".join(page.split())
    with django_assert_num_queries(7):
        staff.get(url, headers={"HX-Request": "true", "HX-Target": "poll-results"})


# -- fixing the date ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_fixing_the_date_schedules_tells_everyone_once_and_fills_the_round(
    staff, staff_user, announced
):
    theme = TopicFactory(name="Kinder und Jugendliche")
    Meeting.objects.filter(pk=announced.pk).update(theme=theme)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=ZONE), tick=True):
        poll = open_poll(
            meeting=Meeting.objects.get(pk=announced.pk),
            deadline=datetime.datetime(2027, 1, 15, tzinfo=ZONE),
            note="",
            slots=slots(),
            opened_by=staff_user,
        )
    yes, no = ask(
        poll, ContactPersonFactory(name="Yara Ja"), ContactPersonFactory(name="Nils Nein")
    )
    send_poll(poll=poll, sent_by=staff_user)
    run_worker()
    answer(yes, "yes", "yes", "yes")
    answer(no, "no", "yes", "yes")
    chosen = poll.slots.first()
    uid, sequence = announced.uid, Meeting.objects.get(pk=announced.pk).sequence
    url = f"/geschaeftsstelle/treffen/{announced.slug}/abstimmung/termin/{chosen.pk}/"

    question = staff.get(url).text
    response = staff.post(url, follow=True)
    second = staff.post(url, follow=True)
    run_worker()

    assert "Ja, diesen Termin festlegen" in question
    assert (
        response.redirect_chain[-1][0] == f"/geschaeftsstelle/treffen/{announced.slug}/einladungen/"
    )
    assert "Der Termin steht fest" in response.text
    assert "Der Termin dieses Treffens steht schon fest." in second.text
    meeting = Meeting.objects.get(pk=announced.pk)
    assert (meeting.status, meeting.starts_at, meeting.ends_at) == ("scheduled", at(10), at(10, 17))
    assert meeting.uid == uid and meeting.sequence > sequence
    poll.refresh_from_db()
    assert poll.closed_at is not None and poll.chosen_slot == chosen

    decided = [
        m for m in mail.outbox if m.subject == "Der Termin steht fest: Kinder und Jugendliche"
    ]
    assert sorted(m.to[0] for m in decided) == sorted([yes.contact.email, no.contact.email])
    calendar = [
        part.get_content()
        for part in email.message_from_bytes(
            decided[0].message().as_bytes(), policy=policy.default
        ).walk()
        if part.get_content_type() == "text/calendar"
    ][0]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert f"UID:{uid}" in calendar.replace("\r\n ", "")
    feed = Client().get("/treffen/kalender.ics").content.decode()
    assert f"UID:{uid}" in feed.replace("\r\n ", "") and "DTSTART" in feed

    invitations = Invitation.objects.filter(meeting=meeting)
    assert set(invitations.values_list("contact", flat=True)) == {yes.contact_id, no.contact_id}
    assert set(invitations.values_list("delivery", flat=True)) == {"draft"}
    round_page = " ".join(
        staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text.split()
    )
    assert round_page.count("Terminabstimmung: passt nicht") == 1


def test_the_public_page_says_the_date_is_being_agreed(poll, member, anonymous):
    visitor = " ".join(anonymous.get(poll.meeting.get_absolute_url()).text.split())
    members = " ".join(member.get(poll.meeting.get_absolute_url()).text.split())

    assert "Termin wird abgestimmt." in visitor
    assert "läuft bis" not in visitor
    assert "Die Terminabstimmung läuft bis 15. Januar 2027." in members


# -- privacy -----------------------------------------------------------------------------------


def test_poll_answers_are_exported_erased_and_removed_after_the_poll(poll, settings):
    (participant,) = ask(poll, ContactPersonFactory())
    answer(participant, "yes", "maybe", "no", comment="Gern nachmittags")
    contact = participant.contact

    exported = export(contact)
    assert [row["comment"] for row in exported["meetings.pollparticipant"]] == ["Gern nachmittags"]
    assert "nonce" not in exported["meetings.pollparticipant"][0]
    assert len(exported["meetings.pollanswer"]) == 3

    other = ask(poll, ContactPersonFactory())[0]
    erase(contact)
    assert not PollParticipant.objects.filter(contact=contact).exists()
    assert not PollAnswer.objects.filter(participant__contact=contact).exists()

    call_command("retention", verbosity=0)
    assert PollParticipant.objects.filter(pk=other.pk).exists()  # the poll is still running
    later = poll.deadline + datetime.timedelta(days=settings.POLL_RETENTION_DAYS + 1)
    with time_machine.travel(later):
        call_command("retention", verbosity=0)
    assert not PollParticipant.objects.exists()
    assert PollSlot.objects.filter(poll=poll).exists()  # the dates themselves are no one's data


def test_the_office_home_says_where_finding_the_date_stands(staff, staff_user, poll, db):
    MeetingFactory(
        title="Frauen und Familien",
        status="announced",
        starts_at=None,
        ends_at=None,
        period_year=2027,
        period_quarter=2,
    )

    home = " ".join(staff.get("/geschaeftsstelle/").text.split())
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, tzinfo=ZONE)):
        office = Client()
        office.force_login(staff_user)  # the first session has run out by then
        later = " ".join(office.get("/geschaeftsstelle/").text.split())

    assert "noch kein Termin: Terminabstimmung eröffnen" in home
    assert "Terminabstimmung läuft bis 15. Januar 2027" in home
    assert "Terminabstimmung vorbei: Termin festlegen" in later


def test_a_guest_is_asked_under_the_rules_of_any_guest(staff, poll):
    url = f"/geschaeftsstelle/treffen/{poll.meeting.slug}/abstimmung/gast/"
    SuppressedAddress.add("gesperrt@example.org")

    staff.post(
        url,
        {"name": "Gina Gast", "email": "gina@rp.example.org", "new_organisation": "RP Stuttgart"},
    )
    refused = staff.post(
        url,
        {"name": "Sven Sperre", "email": "gesperrt@example.org", "new_organisation": "Amt"},
        follow=True,
    )

    guest = PollParticipant.objects.get(contact__email="gina@rp.example.org")
    assert (guest.reason, guest.contact.visibility) == ("staff", "staff")
    assert guest.contact.organisation.kind == "state_agency"
    assert "schon gefragt oder erhält keine Einladungen" in refused.text
    assert not PollParticipant.objects.filter(contact__email="gesperrt@example.org").exists()


def test_guessing_poll_links_is_rate_limited_while_a_working_link_reads_freely(poll):
    (participant,) = ask(poll, ContactPersonFactory())
    guesser, reader = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")

    guesses = [guesser.get(f"/abstimmung/{n:064x}/").status_code for n in range(31)]
    reads = {reader.get(participant.get_answer_url()).status_code for _ in range(40)}

    assert guesses[:30] == [404] * 30 and guesses[30] == 429
    assert guesser.get(participant.get_answer_url()).status_code == 200  # a working link
    assert guesser.post(participant.get_answer_url(), {}).status_code == 429  # a change counts
    assert reads == {200}
