"""The yearly check (issue 16): who is asked and when, sending once by the worker, the signed
personal link (expiry, tampering, rate limit), "Alles aktuell", corrections, "nicht mehr bei
uns", and "Adresse prüfen" after the mail server refused an address."""

import datetime
import io
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from meetings.models import Invitation
from meetings.services import object_to_invitations
from organisations.models import ContactPerson, EntryCheck, Organisation
from organisations.services import ask_for_check, due_for_check
from privacy.services import erase
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, InvitationFactory, OrganisationFactory

by_the_worker = pytest.mark.django_db(transaction=True)
YEAR_AND_A_DAY = datetime.timedelta(days=366)


def age(organisation, delta=YEAR_AND_A_DAY, *, confirmed=False):
    """Make the entry `delta` old (made, or confirmed, that long ago)."""
    field = "confirmed_at" if confirmed else "created_at"
    Organisation.objects.filter(pk=organisation.pk).update(**{field: timezone.now() - delta})


def link_of(message) -> str:
    return re.search(r"/eintrag/[^/\s]+/", message.body).group(0)


def checked(organisation, contact) -> EntryCheck:
    return EntryCheck.objects.create(organisation=organisation, contact=contact)


# Who is asked, and when


def test_an_entry_is_due_a_year_after_it_was_made_or_last_confirmed(db):
    OrganisationFactory()  # entered lately
    old = OrganisationFactory()
    confirmed_lately = OrganisationFactory()
    confirmed_long_ago = OrganisationFactory()
    for organisation in (old, confirmed_lately, confirmed_long_ago):
        age(organisation)
    age(confirmed_lately, datetime.timedelta(days=20), confirmed=True)
    age(confirmed_long_ago, confirmed=True)
    asked = OrganisationFactory()
    age(asked)
    ContactPersonFactory(organisation=asked)
    ask_for_check(organisation=asked, not_since=datetime.timedelta(days=1))

    assert set(due_for_check()) == {old, confirmed_long_ago}


def test_the_editors_are_asked_or_without_one_the_contact_persons_who_receive_mail(db):
    with_editor = OrganisationFactory()
    editor = ContactPersonFactory(organisation=with_editor, is_editor=True)
    ContactPersonFactory(organisation=with_editor)
    without_editor = OrganisationFactory()
    first = ContactPersonFactory(organisation=without_editor)
    second = ContactPersonFactory(organisation=without_editor)
    ContactPersonFactory(organisation=without_editor, receives_invitations=False)
    day = datetime.timedelta(days=1)

    checks = ask_for_check(organisation=with_editor, not_since=day)
    assert [check.contact for check in checks] == [editor]
    checks = ask_for_check(organisation=without_editor, not_since=day)
    assert {check.contact for check in checks} == {first, second}


@by_the_worker
def test_the_daily_command_asks_each_due_organisation_once_through_the_worker():
    organisation = OrganisationFactory(name="Refugio Stuttgart")
    editor = ContactPersonFactory(organisation=organisation, is_editor=True, name="Rita Redaktion")
    age(organisation)
    nobody = OrganisationFactory(name="Niemand e.V.")
    age(nobody)

    output = io.StringIO()
    call_command("entry_checks", stdout=output)
    assert mail.outbox == []  # the command only queues
    run_worker()
    call_command("entry_checks", stdout=output)  # a second run asks nobody again
    run_worker()
    assert "1 organisations asked, 1 without anyone to ask" in output.getvalue()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert message.subject.endswith("Ist der Eintrag von Refugio Stuttgart noch aktuell?")
    assert "Alles aktuell" in message.body
    assert "30 Tage gültig" in message.body
    assert message.extra_headers["Message-ID"].startswith("<entry-check-")
    assert EntryCheck.objects.get().delivery == EntryCheck.Delivery.SENT


@by_the_worker
def test_a_check_is_sent_once_however_often_its_task_runs():
    organisation = OrganisationFactory()
    ContactPersonFactory(organisation=organisation, is_editor=True)
    check = ask_for_check(organisation=organisation, not_since=datetime.timedelta(days=1))[0]
    from organisations.tasks import send_entry_checks

    send_entry_checks.enqueue([check.pk])  # a second click, a retry: queued twice
    run_worker()

    assert len(mail.outbox) == 1


@by_the_worker
def test_a_suppressed_address_gets_no_check():
    organisation = OrganisationFactory()
    contact = ContactPersonFactory(organisation=organisation, is_editor=True)
    object_to_invitations(contact=contact)  # the objection puts the address on the suppression list
    ask_for_check(organisation=organisation, not_since=datetime.timedelta(days=1))
    run_worker()

    assert mail.outbox == []
    assert EntryCheck.objects.get().delivery == EntryCheck.Delivery.FAILED


def test_the_office_asks_again_at_most_once_a_day(staff, org_a, editor_contact):
    url = "/geschaeftsstelle/aktualitaet/nachfragen/"
    data = {"organisation": org_a.pk, "liste": "unbestaetigt"}

    first = staff.post(url, data, follow=True)
    second = staff.post(url, data, follow=True)
    unknown = staff.post(url, {"organisation": "x"}, follow=True)

    assert "Caritas Stuttgart wird gefragt: Die E-Mail geht an Erika Redaktion." in first.text
    assert "Caritas Stuttgart wurde am" in second.text and "schon gefragt" in second.text
    assert "Bitte wählen Sie eine Organisation aus der Liste." in unknown.text
    assert EntryCheck.objects.filter(organisation=org_a).count() == 1


# The personal link


def test_the_link_shows_the_entry_and_its_people_without_an_account(
    anonymous, org_a, editor_contact
):
    colleague = ContactPersonFactory(organisation=org_a, name="Kai Kollege", phone="0711 555")
    check = checked(org_a, editor_contact)

    response = anonymous.get(f"/eintrag/{check.token}/")

    assert response.status_code == 200
    assert "Ist Ihr Eintrag noch aktuell?" in response.text
    assert "Guten Tag Erika Redaktion" in response.text
    assert colleague.name in response.text and "0711 555" in response.text
    assert "no-store" in response["Cache-Control"]


def test_everything_is_current_confirms_the_entry_for_members_to_see(
    anonymous, member, org_a, editor_contact
):
    check = checked(org_a, editor_contact)

    response = anonymous.post(f"/eintrag/{check.token}/", follow=True)

    assert "Vielen Dank: Der Eintrag ist als aktuell bestätigt." in response.text
    org_a.refresh_from_db()
    assert org_a.confirmed_at is not None
    assert org_a.history.latest().history_change_reason == "Eintrag bestätigt"
    month = org_a.confirmed_at.strftime("%Y")
    page = member.get(org_a.get_absolute_url()).text
    assert "Zuletzt bestätigt" in page and month in page
    assert org_a not in due_for_check()


def test_the_public_does_not_see_when_an_entry_was_confirmed(anonymous, org_a):
    Organisation.objects.filter(pk=org_a.pk).update(confirmed_at=timezone.now())
    assert "Zuletzt bestätigt" not in anonymous.get(org_a.get_absolute_url()).text


def test_a_phone_number_is_corrected_with_the_edit_forms_rules(anonymous, org_a, editor_contact):
    colleague = ContactPersonFactory(organisation=org_a, name="Kai Kollege", phone="0711 555")
    check = checked(org_a, editor_contact)
    url = f"/eintrag/{check.token}/person/{colleague.pk}/"
    data = {
        "name": colleague.name,
        "email": colleague.email,
        "visibility": "members",
        "receives_invitations": "on",
    }

    wrong = anonymous.post(url, {**data, "phone": "ruf mich an"})
    right = anonymous.post(url, {**data, "phone": "0711 999"})

    assert wrong.status_code == 200
    assert "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein" in wrong.text
    assert "ruf mich an" in wrong.text  # nothing typed is lost
    assert right.status_code == 302
    colleague.refresh_from_db()
    assert colleague.phone == "0711 999"
    assert colleague.is_editor is False  # no editing rights by the link


def test_the_link_makes_nobody_public_or_an_editor(anonymous, org_a, editor_contact):
    """Fails without the fix: anyone holding the link could show a colleague publicly,
    claiming written consent."""
    colleague = ContactPersonFactory(organisation=org_a)
    check = checked(org_a, editor_contact)
    url = f"/eintrag/{check.token}/person/{colleague.pk}/"
    data = {"name": colleague.name, "email": colleague.email, "visibility": "public"}

    page = anonymous.get(url)
    response = anonymous.post(url, {**data, "consent_method": "written", "is_editor": "on"})

    assert 'value="public"' not in page.text and "consent_method" not in page.text
    assert response.status_code == 200
    colleague.refresh_from_db()
    assert colleague.visibility == "members" and colleague.consent_given_at is None
    assert colleague.is_editor is False


def test_no_longer_with_us_takes_the_person_off_the_directory_and_the_invitations(
    anonymous, member, org_a, editor_contact
):
    colleague = ContactPersonFactory(organisation=org_a, name="Kai Kollege")
    InvitationFactory(contact=colleague)
    check = checked(org_a, editor_contact)
    url = f"/eintrag/{check.token}/person/{colleague.pk}/weg/"

    asked = anonymous.get(url)
    assert "Ist Kai Kollege nicht mehr bei Ihnen?" in asked.text
    assert ContactPerson.objects.filter(pk=colleague.pk).exists()  # GET only asks
    response = anonymous.post(url, follow=True)

    assert "Kai Kollege wurde aus dem Verzeichnis genommen." in response.text
    assert not ContactPerson.objects.filter(pk=colleague.pk).exists()
    assert not Invitation.objects.filter(contact_id=colleague.pk).exists()
    assert "Kai Kollege" not in member.get(org_a.get_absolute_url()).text
    # What is left is in the history, which `retention` removes after its period.
    history = ContactPerson.history.filter(id=colleague.pk).latest()
    assert history.history_type == "-"
    assert history.history_change_reason == "Nicht mehr bei uns (jährliche Prüfung)"


def test_someone_who_marks_themself_gone_closes_their_own_link(anonymous, org_a, editor_contact):
    check = checked(org_a, editor_contact)
    token = check.token

    response = anonymous.post(f"/eintrag/{token}/person/{editor_contact.pk}/weg/")

    assert response.status_code == 200
    assert "Sie sind nun keine Ansprechperson von Caritas Stuttgart" in response.text
    assert anonymous.get(f"/eintrag/{token}/").status_code == 404


def test_a_link_reaches_no_person_of_another_organisation(anonymous, org_a, org_b, editor_contact):
    stranger = ContactPersonFactory(organisation=org_b)
    check = checked(org_a, editor_contact)

    for path in ("", "weg/"):
        url = f"/eintrag/{check.token}/person/{stranger.pk}/{path}"
        assert anonymous.get(url).status_code == 404
        assert anonymous.post(url).status_code == 404
    assert ContactPerson.objects.filter(pk=stranger.pk).exists()


def test_a_link_stops_when_its_person_moves_to_another_organisation(
    anonymous, org_a, org_b, editor_contact
):
    check = checked(org_a, editor_contact)
    ContactPerson.objects.filter(pk=editor_contact.pk).update(organisation=org_b)

    assert anonymous.get(f"/eintrag/{check.token}/").status_code == 404


def test_a_link_expires_after_thirty_days(anonymous, org_a, editor_contact):
    check = checked(org_a, editor_contact)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        old_token = check.token
    with time_machine.travel(timezone.now() - datetime.timedelta(days=29), tick=False):
        recent_token = check.token

    expired = anonymous.get(f"/eintrag/{old_token}/")
    changed = anonymous.post(f"/eintrag/{old_token}/")

    assert expired.status_code == 410
    assert "Der Link ist abgelaufen" in expired.text
    assert changed.status_code == 410
    org_a.refresh_from_db()
    assert org_a.confirmed_at is None
    assert anonymous.get(f"/eintrag/{recent_token}/").status_code == 200


def test_a_tampered_link_opens_nothing(anonymous, org_a, org_b, editor_contact):
    check = checked(org_a, editor_contact)
    other = checked(org_b, ContactPersonFactory(organisation=org_b))
    number, stamp, signature = check.token.split(":")

    forged = [
        f"{other.pk}:{stamp}:{signature}",  # another check's number under this signature
        f"{number}:{stamp}:{signature[:-2]}xx",
        f"{number}:{stamp}",
        number,
    ]
    for token in forged:
        assert anonymous.get(f"/eintrag/{token}/").status_code == 404
        assert anonymous.post(f"/eintrag/{token}/").status_code == 404
    org_a.refresh_from_db()
    assert org_a.confirmed_at is None


def test_guessing_links_is_rate_limited(anonymous, org_a, editor_contact):
    statuses = [anonymous.get(f"/eintrag/{number}:x:y/").status_code for number in range(31)]

    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429


# "Adresse prüfen"


@by_the_worker
def test_a_refused_address_is_shown_to_the_editors_and_the_office_until_it_changes(monkeypatch):
    organisation = OrganisationFactory(name="Refugio")
    contact = ContactPersonFactory(organisation=organisation, email="weg@refugio.example")
    invitation = InvitationFactory(contact=contact)
    Invitation.objects.filter(pk=invitation.pk).update(delivery="queued")

    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"weg@refugio.example": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    from meetings.tasks import deliver_invitations

    deliver_invitations.enqueue([invitation.pk])
    run_worker()

    contact.refresh_from_db()
    assert contact.address_failed_at is not None
    assert "No such user" in contact.address_error
    contact.email = "neu@refugio.example"
    contact.save()
    contact.refresh_from_db()
    assert contact.address_failed_at is None and contact.address_error == ""


def test_the_editor_and_the_office_see_check_the_address(editor, member, staff, org_a):
    contact = ContactPersonFactory(organisation=org_a, name="Kai Kollege")
    ContactPerson.objects.filter(pk=contact.pk).update(
        address_failed_at=timezone.now(), address_error="SMTPRecipientsRefused: 550"
    )

    assert "Adresse prüfen" in editor.get(org_a.get_absolute_url()).text
    assert "Adresse prüfen" in editor.get(f"/organisationen/{org_a.slug}/bearbeiten/").text
    assert "Adresse prüfen" not in member.get(org_a.get_absolute_url()).text
    listed = staff.get("/geschaeftsstelle/aktualitaet/?liste=adressen").text
    assert "Kai Kollege" in listed and "SMTPRecipientsRefused: 550" in listed


def test_erasing_a_person_removes_their_checks_and_address_state(org_a, editor_contact):
    checked(org_a, editor_contact)
    ContactPerson.objects.filter(pk=editor_contact.pk).update(
        address_failed_at=timezone.now(), address_error="550"
    )

    erase(editor_contact)

    assert not EntryCheck.objects.exists()
    editor_contact.refresh_from_db()
    assert editor_contact.address_error == "" and editor_contact.address_failed_at is None


def test_the_link_cannot_list_the_organisation_publicly(anonymous, org_a, editor_contact):
    """Fails without the fix: anyone holding the link could make the organisation public."""
    Organisation.objects.filter(pk=org_a.pk).update(listed_publicly=False)
    check = checked(org_a, editor_contact)
    url = f"/eintrag/{check.token}/profil/"
    data = {"org-name": org_a.name, "org-kind": org_a.kind, "org-listed_publicly": "on"}

    assert "listed_publicly" not in anonymous.get(url).text
    anonymous.post(url, data)

    org_a.refresh_from_db()
    assert org_a.listed_publicly is False


@by_the_worker
def test_a_greylisted_address_is_tried_again_not_marked(monkeypatch):
    contact = ContactPersonFactory(email="grau@refugio.example")
    invitation = InvitationFactory(contact=contact)
    Invitation.objects.filter(pk=invitation.pk).update(delivery="queued")

    def greylist(message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"grau@refugio.example": (450, b"Greylisted")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", greylist)
    from meetings.tasks import deliver_invitations

    deliver_invitations.enqueue([invitation.pk])
    run_worker()

    contact.refresh_from_db()
    invitation.refresh_from_db()
    assert contact.address_failed_at is None
    assert invitation.delivery == "queued"  # deferred: a later task tries again
