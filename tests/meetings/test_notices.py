"""Mails after the invitation: reminders, change and cancellation notices, confirmations."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Invitation, Notice, SubstituteProposal
from meetings.services import send_change_notices, send_reminders
from meetings.tasks import deliver_notices
from organisations.models import ContactPerson
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def recipients() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def sent(meeting, **fields):
    return InvitationFactory(
        meeting=meeting,
        delivery=Invitation.Delivery.SENT,
        notified_sequence=meeting.sequence,
        **fields,
    )


@pytest.fixture
def answered_round(db):
    """Invitees: open, yes, no, two who objected (open / maybe); one not sent yet."""
    meeting = MeetingFactory(title="Vernetzungstreffen Wohnen")
    people = {
        "open": sent(meeting),
        "yes": sent(meeting, answer="yes"),
        "no": sent(meeting, answer="no"),
        "objected": sent(meeting),
        "objected_maybe": sent(meeting, answer="maybe"),
        "draft": InvitationFactory(meeting=meeting),
    }
    for key in ["objected", "objected_maybe"]:
        people[key].contact.receives_invitations = False
        people[key].contact.save()
    return meeting, people


def calendar_of(message) -> Calendar:
    (ics,) = [content for name, content, mimetype in message.attachments if name.endswith(".ics")]
    return Calendar.from_ical(ics)


def test_reminder_goes_to_those_without_answer_once_a_day(
    answered_round, staff_user, django_capture_on_commit_callbacks
):
    meeting, people = answered_round

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(meeting=meeting, sent_by=staff_user) == 1
        assert send_reminders(meeting=meeting, sent_by=staff_user) == 0  # second click
    run_worker()
    assert recipients() == Counter({people["open"].contact.email: 1})
    (message,) = mail.outbox
    assert message.subject == "Erinnerung: Vernetzungstreffen Wohnen"
    assert people["open"].token in message.body
    assert "noch keine Antwort" in message.body

    # Later the same day: still nothing; the next day: one more reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(meeting=meeting, sent_by=staff_user) == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(meeting=meeting, sent_by=staff_user) == 1
        run_worker()
    assert recipients() == Counter({people["open"].contact.email: 2})


def test_no_second_reminder_on_the_same_day_for_another_meeting(
    staff_user, django_capture_on_commit_callbacks
):
    first, second = MeetingFactory(), MeetingFactory()
    invitation = sent(first)
    sent(second, contact=invitation.contact)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(meeting=first, sent_by=staff_user) == 1
        assert send_reminders(meeting=second, sent_by=staff_user) == 0
    run_worker()
    assert recipients() == Counter({invitation.contact.email: 1})


def test_no_reminders_after_the_deadline(staff_user):
    meeting = MeetingFactory(answer_deadline=timezone.now() - datetime.timedelta(hours=1))
    sent(meeting)

    assert send_reminders(meeting=meeting, sent_by=staff_user) == 0


def test_notice_task_run_twice_sends_once(answered_round, staff_user):
    meeting, people = answered_round
    send_reminders(meeting=meeting, sent_by=staff_user)
    notice = Notice.objects.get()

    assert deliver_notices.call([notice.pk]) == {"sent": 1}
    assert deliver_notices.call([notice.pk]) == {"skipped": 1}
    assert len(mail.outbox) == 1


def test_change_notice_goes_to_all_not_declined_with_a_higher_sequence(
    answered_round, staff_user, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    assert send_change_notices(meeting=meeting, sent_by=staff_user) == 0  # nothing changed

    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    meeting.save()
    assert meeting.sequence == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_change_notices(meeting=meeting, sent_by=staff_user) == 3
        assert send_change_notices(meeting=meeting, sent_by=staff_user) == 0
    run_worker()

    # Open and yes; an objector only if they said they might come; not the "no", not the draft.
    assert recipients() == Counter(
        {people[key].contact.email: 1 for key in ["open", "yes", "objected_maybe"]}
    )
    for message in mail.outbox:
        assert message.subject == "Geändert: Vernetzungstreffen Wohnen"
        calendar = calendar_of(message)
        assert calendar["METHOD"] == "PUBLISH"
        (event,) = calendar.events
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == timezone.localtime(meeting.starts_at)
    # Those who have it now are not offered another notice.
    assert send_change_notices(meeting=meeting, sent_by=staff_user) == 0
    assert set(
        Invitation.objects.filter(notices__isnull=False).values_list("notified_sequence", flat=True)
    ) == {1}


def test_cancellation_notice_carries_method_cancel(
    answered_round, staff_user, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    meeting.status = meeting.Status.CANCELLED
    meeting.cancellation_reason = "Der Raum steht nicht zur Verfügung."
    meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_change_notices(meeting=meeting, sent_by=staff_user) == 3
    run_worker()

    assert {notice.kind for notice in Notice.objects.all()} == {"cancellation"}
    message = mail.outbox[0]
    assert message.subject == "Abgesagt: Vernetzungstreffen Wohnen"
    assert "Der Raum steht nicht zur Verfügung." in message.body
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.events
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert event["UID"] == f"{meeting.uid}@netzwerk"


def test_staff_preview_a_reminder_then_send_it_with_one_click(
    answered_round, staff, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/erinnerung/"

    page = staff.get(url).content.decode()
    assert "Erinnerung: Vernetzungstreffen Wohnen" in page
    assert f"Guten Tag {people['open'].contact.name}" in page
    assert "An 1 Person senden" in page
    assert Notice.objects.count() == 0  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, follow=True)
    assert "1 E-Mail wird gesendet." in response.content.decode()
    run_worker()
    assert recipients() == Counter({people["open"].contact.email: 1})

    page = staff.get(url).content.decode()
    assert "Niemand braucht gerade eine Erinnerung." in page


def test_round_page_offers_the_change_notice_after_a_change(answered_round, staff):
    meeting, people = answered_round
    round_url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"
    assert "Änderungsmitteilung vorbereiten" not in staff.get(round_url).content.decode()

    meeting.venue_name = "Rathaus Stuttgart"
    meeting.save()

    assert "Änderungsmitteilung vorbereiten" in staff.get(round_url).content.decode()
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/aenderung/").content.decode()
    assert "Geändert: Vernetzungstreffen Wohnen" in page
    assert "Rathaus Stuttgart" in page
    assert "An 3 Personen senden" in page


def answer(client, invitation, **fields):
    data = {"answer": "yes", "persons": "2", "note": ""} | fields
    return client.post(f"/einladung/{invitation.token}/", data, follow=True)


def test_confirmation_mail_with_calendar_file_only_when_asked_for(
    answered_round, client, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    invitation = people["open"]

    with django_capture_on_commit_callbacks(execute=True):
        answer(client, invitation)
        response = answer(client, invitation, answer="maybe", send_confirmation="on")
    run_worker()

    assert f"Eine Bestätigung ist unterwegs an {invitation.contact.email}" in (
        response.content.decode()
    )
    (message,) = mail.outbox
    assert message.subject == "Ihre Antwort: Vernetzungstreffen Wohnen"
    assert "Wir haben gespeichert: Vielleicht, 2 Personen" in message.body
    assert calendar_of(message)["METHOD"] == "PUBLISH"
    assert invitation.token in message.body


def substitute(client, invitation, **fields):
    """A new person proposed as substitute (name and address)."""
    data = {"name": "Lena Vogt", "email": "lena.vogt@example.org"} | fields
    return client.post(f"/einladung/{invitation.token}/vertretung/", data, follow=True)


def test_a_colleague_from_the_directory_is_invited_at_once_and_staff_see_who_stands_in(
    answered_round, client, staff, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    original = people["open"]
    colleague = ContactPersonFactory(organisation=original.contact.organisation, name="Lena Vogt")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/einladung/{original.token}/vertretung/", {"colleague": colleague.pk}, follow=True
        )
    run_worker()

    assert "Lena Vogt erhält eine eigene Einladung per E-Mail." in response.content.decode()
    stand_in = Invitation.objects.get(contact=colleague)
    assert (stand_in.substitute_for, stand_in.reason) == (original, "substitute")
    assert stand_in.token != original.token
    original.refresh_from_db()
    assert original.answer == "no"
    (message,) = mail.outbox
    assert message.to == [colleague.email]
    assert stand_in.token in message.body and original.token not in message.body

    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").content.decode()
    assert f"vertritt {original.contact.name}" in page
    page = client.get(f"/einladung/{stand_in.token}/").content.decode()
    assert f"Sie vertreten {original.contact.name}." in page
    assert "Als Vertretung können Sie niemand weiteren benennen." in page


def test_a_new_person_is_proposed_and_invited_once_the_office_confirms(
    answered_round, client, staff, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    original = people["open"]
    contacts = ContactPerson.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = substitute(client, original)
    run_worker()

    assert "Die Geschäftsstelle prüft Ihren Vorschlag" in response.content.decode()
    assert "Sie haben Lena Vogt als Vertretung vorgeschlagen." in response.content.decode()
    assert ContactPerson.objects.count() == contacts  # nobody is created
    assert mail.outbox == []  # and nothing is sent
    original.refresh_from_db()
    assert original.answer == "no"

    round_page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text
    assert "Vorgeschlagene Vertretungen" in round_page
    assert "lena.vogt@example.org" in round_page
    proposal = SubstituteProposal.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = staff.post(
            f"/geschaeftsstelle/treffen/{meeting.slug}/vertretungen/{proposal.pk}/einladen/",
            follow=True,
        )
    run_worker()

    assert "Lena Vogt ist eingeladen; die Einladung wird versandt." in confirmed.text
    stand_in = Invitation.objects.get(contact__email="lena.vogt@example.org")
    assert stand_in.substitute_for == original
    assert stand_in.contact.visibility == "staff"
    assert stand_in.contact.organisation == original.contact.organisation
    (message,) = mail.outbox
    assert message.to == ["lena.vogt@example.org"]
    assert not SubstituteProposal.objects.exists()


def test_the_office_rejects_a_proposed_substitute_and_nothing_is_kept(
    answered_round, client, staff
):
    meeting, people = answered_round
    substitute(client, people["open"])
    proposal = SubstituteProposal.objects.get()

    rejected = staff.post(
        f"/geschaeftsstelle/treffen/{meeting.slug}/vertretungen/{proposal.pk}/ablehnen/",
        follow=True,
    )

    assert "Der Vorschlag von Lena Vogt wurde abgelehnt; es wurde nichts versandt." in (
        rejected.text
    )
    assert not SubstituteProposal.objects.exists()
    assert not ContactPerson.objects.filter(email="lena.vogt@example.org").exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"email": "kein-at"}, "Bitte gültige E-Mail-Adresse eingeben."),
        ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"name": "Lena Vogt www.beispiel.example"}, "Bitte geben Sie nur den Namen ein"),
        ({"name": "Lena <b>Vogt</b>"}, "Bitte geben Sie nur den Namen ein"),
        ({"name": "L" * 101}, "höchstens 100 Zeichen"),
    ],
)
def test_substitute_bad_input_changes_nothing_and_keeps_the_input(
    answered_round, client, fields, error
):
    meeting, people = answered_round
    original = people["open"]
    before = (Invitation.objects.count(), ContactPerson.objects.count())

    response = substitute(client, original, **fields)

    page = response.content.decode()
    assert error in page
    assert 'value="lena.vogt@example.org"' in page or "email" in fields
    assert (Invitation.objects.count(), ContactPerson.objects.count()) == before
    assert not SubstituteProposal.objects.exists()
    original.refresh_from_db()
    assert original.answer == "open"


def test_only_one_substitute_per_invitation(answered_round, client):
    meeting, people = answered_round
    original = people["open"]
    colleague = ContactPersonFactory(organisation=original.contact.organisation)
    substitute(client, original)

    response = substitute(client, original, name="Zweite Person", email="zwei@example.org")

    assert "Sie haben Lena Vogt als Vertretung vorgeschlagen." in response.content.decode()
    assert SubstituteProposal.objects.get().email == "lena.vogt@example.org"
    for data in [
        {"name": "Zweite Person", "email": "zwei@example.org"},
        {"colleague": colleague.pk},
    ]:
        response = client.post(f"/einladung/{original.token}/vertretung/", data)
        assert "Sie haben bereits eine Vertretung benannt." in response.content.decode()
    assert not Invitation.objects.filter(contact=colleague).exists()


def test_failed_reminder_is_shown_and_can_be_sent_again_the_same_day(
    answered_round, staff, staff_user, settings, django_capture_on_commit_callbacks
):
    meeting, people = answered_round
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(meeting=meeting, sent_by=staff_user)
    for _attempt in range(5):  # transient: retried with back-off until the attempts run out
        deliver_notices.call([Notice.objects.get().pk])
    notice = Notice.objects.get()
    assert notice.delivery == "failed"
    assert "ConnectionRefusedError" in notice.delivery_error
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").content.decode()
    assert "Erinnerung: fehlgeschlagen" in page

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(meeting=meeting, sent_by=staff_user) == 1
    run_worker()
    assert recipients() == Counter({people["open"].contact.email: 1})
    assert Notice.objects.get().delivery == "sent"
