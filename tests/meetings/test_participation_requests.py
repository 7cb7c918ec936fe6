"""Asking to take part: a visitor's request from a meeting's page reaches the office on the
round; accepted, the person is noted as a guest (rules of any guest); declined, a polite mail
goes out once; deleted, nothing at all. Nothing goes to the address before the office decides,
and the form answers the same for every address."""

import datetime
import re
import secrets

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings.models import Invitation, ParticipationRequest
from organisations.models import ContactPerson, Organisation, SuppressedAddress
from privacy.services import erase, export
from tests.conftest import main_part, run_worker
from tests.factories import ContactPersonFactory, MeetingFactory, OrganisationFactory

FORM = {
    "name": "Rana Yousef",
    "organisation_name": "Initiative Willkommen Tübingen",
    "email": "rana@example.org",
    "message": "Wir begleiten Familien beim Familiennachzug.",
    "consent": "on",
}


def fresh_client() -> Client:
    """A client of its own address: the rate limit counts per address."""
    return Client(REMOTE_ADDR=f"198.19.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}")


def ask(meeting, client=None, **changes):
    client = client or fresh_client()
    return client.post(f"/treffen/{meeting.slug}/teilnahme/", FORM | changes, follow=True)


@pytest.fixture
def meeting(db):
    return MeetingFactory(title="Vernetzungstreffen Familiennachzug")


def test_the_meeting_page_offers_the_request_and_the_request_reaches_the_office(
    meeting, staff, django_capture_on_commit_callbacks
):
    page = fresh_client().get(meeting.get_absolute_url()).text
    assert f'href="/treffen/{meeting.slug}/teilnahme/"' in page
    assert "Teilnahme anfragen" in page

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = ask(meeting)

    assert "Ihre Anfrage ist bei der Geschäftsstelle angekommen" in response.text
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    request = ParticipationRequest.objects.get()
    assert (request.name, request.email, request.meeting) == ("Rana Yousef", FORM["email"], meeting)
    assert queued == [] and mail.outbox == []  # nothing to the address before the office decides
    assert not ContactPerson.objects.filter(email=FORM["email"]).exists()

    round_page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text
    assert "Anfragen zur Teilnahme" in round_page
    assert "Rana Yousef" in round_page and "Familiennachzug" in round_page
    home = " ".join(staff.get("/geschaeftsstelle/").text.split())
    assert "1 Anfrage zur Teilnahme" in home


def test_the_form_answers_the_same_for_every_address(meeting):
    known = ContactPersonFactory(email="bekannt@example.org")
    SuppressedAddress.add("gesperrt@example.org")
    ask(meeting, email="doppelt@example.org")

    answers = {
        email: main_part(ask(meeting, email=email))
        for email in ["neu@example.org", known.email, "gesperrt@example.org", "doppelt@example.org"]
    }

    assert len(set(answers.values())) == 1
    assert ParticipationRequest.objects.filter(email="doppelt@example.org").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Rana http://spam.example"}, "Bitte geben Sie nur den Namen ein"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"organisation_name": ""}, "Dieses Feld ist zwingend erforderlich"),
        ({"consent": ""}, "Bitte stimmen Sie zu, damit die Geschäftsstelle Ihnen antworten darf"),
        ({"message": "x" * 2001}, "höchstens 2000 Zeichen"),
    ],
)
def test_bad_input_changes_nothing_keeps_the_input_and_is_summarised(meeting, changes, message):
    response = ask(meeting, **changes)

    text = response.text
    assert message in text
    assert 'class="error-summary"' in text and "autofocus" in text
    assert re.search(r'<a href="#id_\w+">', text)  # each error links to its field
    assert "Initiative Willkommen Tübingen" in text or "organisation_name" in changes
    assert not ParticipationRequest.objects.exists()


def test_requests_are_rate_limited_per_address(meeting):
    client = fresh_client()
    statuses = [
        client.post(
            f"/treffen/{meeting.slug}/teilnahme/", FORM | {"email": f"{n}@example.org"}
        ).status_code
        for n in range(11)
    ]

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert ParticipationRequest.objects.count() == 10


@pytest.mark.parametrize(
    "state",
    [
        {"status": "cancelled"},
        {"status": "held"},
        {"starts_at": timezone.now() - datetime.timedelta(hours=1)},
    ],
)
def test_no_requests_once_the_meeting_has_begun_or_is_cancelled(db, state):
    meeting = MeetingFactory(**state)

    page = fresh_client().get(meeting.get_absolute_url()).text
    response = ask(meeting)

    assert "Teilnahme anfragen" not in page
    assert "nimmt keine Anfragen zur Teilnahme mehr an" in response.text
    assert not ParticipationRequest.objects.exists()


def test_a_meeting_for_members_only_takes_no_request_from_visitors(db):
    internal = MeetingFactory(is_public=False)

    assert ask(internal).status_code == 404
    assert not ParticipationRequest.objects.exists()


def test_the_office_accepts_and_the_person_is_noted_as_a_guest(meeting, staff):
    ask(meeting)
    request = ParticipationRequest.objects.get()
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/annehmen/"

    form = staff.get(url).text
    response = staff.post(url, {"new_organisation": FORM["organisation_name"]}, follow=True)

    assert 'value="Initiative Willkommen Tübingen"' in form  # prefilled as they wrote it
    assert "Rana Yousef wurde zur Einladungsrunde hinzugefügt" in response.text
    contact = ContactPerson.objects.get(email=FORM["email"])
    assert contact.visibility == ContactPerson.Visibility.STAFF
    assert not contact.organisation.listed_publicly
    invitation = Invitation.objects.get(contact=contact)
    assert (invitation.reason, invitation.delivery) == ("staff", "draft")
    assert not ParticipationRequest.objects.exists()
    assert mail.outbox == []  # the invitation goes when the office sends the round


def test_an_organisation_in_the_directory_is_proposed_when_the_names_match(meeting, staff):
    known = OrganisationFactory(name="Initiative Willkommen Tübingen")
    ask(meeting)
    request = ParticipationRequest.objects.get()
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/annehmen/"

    staff.post(url, {"organisation": known.pk})

    assert ContactPerson.objects.get(email=FORM["email"]).organisation == known
    assert Organisation.objects.filter(name=known.name).count() == 1


def test_accepting_a_suppressed_address_changes_nothing(meeting, staff):
    SuppressedAddress.add(FORM["email"])
    ask(meeting)
    request = ParticipationRequest.objects.get()
    organisations = Organisation.objects.count()
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/annehmen/"

    response = staff.post(url, {"new_organisation": "Neu e. V."})

    assert "erhält keine Einladungen" in response.text
    assert not ContactPerson.objects.filter(email=FORM["email"]).exists()
    assert Organisation.objects.count() == organisations
    assert ParticipationRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_declined_request_gets_one_polite_mail(staff):
    meeting = MeetingFactory(title="Vernetzungstreffen Familiennachzug")
    ask(meeting)
    request = ParticipationRequest.objects.get()
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/absagen/"

    staff.post(url)
    staff.post(url)  # a second click changes nothing
    run_worker()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [FORM["email"]]
    assert "Vernetzungstreffen Familiennachzug" in message.subject
    assert "Leider können wir Sie zu diesem Treffen nicht einladen" in message.body
    assert "Mit freundlichen Grüßen" in message.body
    assert "weil Sie auf der Website" in message.body  # where the address comes from
    request.refresh_from_db()
    assert request.delivery == "sent" and request.declined_at is not None


@pytest.mark.django_db(transaction=True)
def test_no_decline_goes_to_an_address_that_objected(staff):
    meeting = MeetingFactory()
    ask(meeting)
    SuppressedAddress.add(FORM["email"])
    request = ParticipationRequest.objects.get()

    staff.post(f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/absagen/")
    run_worker()

    assert mail.outbox == []
    request.refresh_from_db()
    assert request.delivery == "failed"


def test_a_deleted_request_leaves_nothing_and_sends_nothing(
    meeting, staff, django_capture_on_commit_callbacks
):
    ask(meeting)
    request = ParticipationRequest.objects.get()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        staff.post(f"/geschaeftsstelle/treffen/{meeting.slug}/anfragen/{request.pk}/loeschen/")

    assert not ParticipationRequest.objects.exists()
    assert queued == [] and mail.outbox == []


def test_requests_are_exported_erased_and_removed_after_the_meeting(meeting, staff):
    contact = ContactPersonFactory(email="Rana@Example.org")
    ask(meeting)
    past = MeetingFactory(
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-2),
    )
    ParticipationRequest.objects.create(
        meeting=past, name="Alt", organisation_name="X", email="alt@example.org"
    )

    exported = export(contact)["meetings.participationrequest"]
    found = staff.get("/geschaeftsstelle/personen/", {"email": "rana@example.org"}).text
    call_command("retention", verbosity=0)

    assert [row["email"] for row in exported] == [FORM["email"]]
    assert "Vernetzungstreffen Familiennachzug" in found
    assert list(ParticipationRequest.objects.values_list("email", flat=True)) == [FORM["email"]]
    erase(contact)
    assert not ParticipationRequest.objects.exists()


def test_the_office_erases_a_request_of_someone_not_in_the_directory(meeting, staff):
    ask(meeting, email="nur-anfrage@example.org")

    staff.post("/geschaeftsstelle/personen/", {"email": "nur-anfrage@example.org", "confirm": "on"})

    assert not ParticipationRequest.objects.exists()
    assert SuppressedAddress.contains("nur-anfrage@example.org")
