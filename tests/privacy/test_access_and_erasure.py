"""Art. 15 (access) and Art. 17 (erasure) for a person, from the browser's point of view."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from meetings.models import Invitation, Notice
from meetings.tasks import deliver_invitations, deliver_notices
from organisations.models import ContactPerson, SuppressedAddress
from privacy.registry import NOT_EXPORTED, PERSON_DATA
from tests.factories import (
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)

NAME = "Zoë Unverwechselbar"
EMAIL = "zoe.unverwechselbar@example.org"


def test_every_model_referring_to_a_person_is_covered_by_the_export():
    person_models = {ContactPerson, get_user_model()}
    covered = {(label, lookup) for label, lookup, _whose in PERSON_DATA}
    missing = [
        (model._meta.label_lower, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in person_models
        if (model._meta.label_lower, field.name) not in covered
        and (model._meta.label_lower, field.name) not in NOT_EXPORTED
    ]

    assert missing == [], f"person data not in privacy/registry.py: {missing}"


@pytest.fixture
def zoe(org_a, staff_user):
    user = UserFactory(email=EMAIL, first_name="Zoë", last_name="Unverwechselbar")
    contact = ContactPersonFactory(organisation=org_a, name=NAME, email=EMAIL, user=user)
    contact.phone = "+49 7071 998877"
    contact.save()  # a second history record
    meeting = MeetingFactory(participants_count=24, organisations_count=21)
    invitation = InvitationFactory(
        meeting=meeting, contact=contact, answer="yes", note="Ich brauche Dolmetschung (Farsi)."
    )
    Notice.objects.create(
        invitation=invitation, kind="reminder", key="2026-11-20", delivery_error=f"550 {EMAIL}"
    )
    LogEntry.objects.log_actions(
        staff_user.pk, [contact], CHANGE, change_message="[]", single_object=True
    )
    # The admin's log of the organisation names the contact changed on its page (as JSON).
    inline = [{"changed": {"name": "Ansprechperson", "object": str(contact), "fields": ["Rolle"]}}]
    LogEntry.objects.log_actions(
        staff_user.pk, [org_a], CHANGE, change_message=inline, single_object=True
    )
    other = ContactPersonFactory(organisation=org_a, consent_recorded_by=user)
    return contact, invitation, other


def test_a_member_sees_and_downloads_all_their_data(zoe):
    contact, invitation, _other = zoe
    client = Client()
    client.force_login(contact.user)

    page = client.get("/konto/meine-daten/")
    assert page.status_code == 200
    for text in [
        NAME,
        EMAIL,
        "Ich brauche Dolmetschung (Farsi).",
        "Einladungen und Antworten",
        "Erinnerungen",
    ]:
        assert text in page.text

    download = client.get("/konto/meine-daten.json")
    data = json.loads(download.content)
    assert download["Content-Disposition"].startswith("attachment")
    assert data["organisations.contactperson"][0]["email"] == EMAIL
    assert data["meetings.invitation"][0]["note"] == "Ich brauche Dolmetschung (Farsi)."
    assert len(data["organisations.historicalcontactperson"]) >= 2
    assert "password" not in data["auth.user"][0]
    assert "nonce" not in data["meetings.invitation"][0]
    assert invitation.token not in download.content.decode()


def test_staff_answer_a_request_for_access(zoe, staff):
    contact, _invitation, _other = zoe

    assert NAME in staff.get(f"/geschaeftsstelle/personen/{contact.pk}/").text
    data = json.loads(staff.get(f"/geschaeftsstelle/personen/{contact.pk}.json").content)
    assert data["account.emailaddress"] == [] or data["account.emailaddress"][0]["email"] == EMAIL


def every_table_as_text() -> str:
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(texts).lower()


def test_erase_without_confirmation_changes_nothing(zoe, staff):
    contact, _invitation, _other = zoe

    response = staff.post(f"/geschaeftsstelle/personen/{contact.pk}/", {})

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.text
    assert ContactPerson.objects.get(pk=contact.pk).name == NAME


def test_erase_anonymises_everywhere_and_keeps_the_figures(zoe, staff):
    contact, invitation, other = zoe
    assert NAME.lower() in every_table_as_text()

    response = staff.post(
        f"/geschaeftsstelle/personen/{contact.pk}/", {"confirm": "on"}, follow=True
    )

    assert "Die Daten wurden gelöscht." in response.text
    everything = every_table_as_text()
    for trace in [NAME, EMAIL, "Unverwechselbar", "Dolmetschung (Farsi)", "+49 7071 998877"]:
        assert trace.lower() not in everything, trace
    assert not get_user_model().objects.filter(email=EMAIL).exists()
    # The figures stay: the meeting's counts and the answer, now of nobody in particular.
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.meeting.participants_count) == ("yes", 24)
    # Their links are revoked: nothing more goes to the placeholder address.
    assert invitation.revoked_at is not None
    assert Client().get(f"/einladung/{invitation.token}/").status_code == 404
    other.refresh_from_db()
    assert other.consent_recorded_by is None
    # Only a hash of the address stays, and it keeps the person out of every send.
    assert SuppressedAddress.contains(EMAIL)
    again = ContactPersonFactory(email=EMAIL.upper(), name="Zoë wieder eingetragen")
    assert again.receives_invitations is False
    assert Invitation.objects.filter(contact=again).count() == 0


def test_objection_puts_the_address_on_the_suppression_list(db):
    invitation = InvitationFactory()
    Client().post(f"/einladung/{invitation.token}/widerspruch/")

    assert SuppressedAddress.contains(invitation.contact.email)


def test_erase_reaches_the_organisations_admin_log_and_cached_pages(zoe, staff, outsider):
    """Fails without the fix: the organisation's log entry kept the name (JSON-escaped "ë"), and
    a member's cached search still held it in the renderings' table."""
    contact, _invitation, _other = zoe
    org_page = f"/organisationen/{contact.organisation.slug}/"
    assert NAME in outsider.get(org_page).text  # now a cached rendering holds the name
    assert contact.organisation.name in outsider.get("/organisationen/", {"q": "Zoë"}).text

    staff.post(f"/geschaeftsstelle/personen/{contact.pk}/", {"confirm": "on"})

    everything = every_table_as_text()
    for trace in [NAME, "zo\\u00eb unverwechselbar", "Unverwechselbar", EMAIL]:
        assert trace.lower() not in everything, trace
    entry = LogEntry.objects.get(
        object_id=str(contact.organisation.pk), content_type__model="organisation"
    )
    assert json.loads(entry.change_message)[0]["changed"]["object"].startswith("gelöschte Person")


def test_an_erased_persons_queued_mails_are_not_sent(
    zoe, staff, django_capture_on_commit_callbacks
):
    contact, invitation, _other = zoe
    Invitation.objects.filter(pk=invitation.pk).update(delivery="queued")
    notice = Notice.objects.create(invitation=invitation, kind="change", key="9", delivery="queued")

    staff.post(f"/geschaeftsstelle/personen/{contact.pk}/", {"confirm": "on"})
    deliver_invitations.call([invitation.pk])
    deliver_notices.call([notice.pk])

    assert mail.outbox == []
    assert Notice.objects.get(pk=notice.pk).delivery == "failed"
    assert Invitation.objects.get(pk=invitation.pk).delivery == "failed"


def test_staff_find_and_erase_what_is_left_of_a_deleted_contact(staff, editor, org_a, staff_user):
    """Fails without the fix: a contact deleted by an editor kept name and address in its
    history for the whole retention period, and staff had no page to erase it."""
    gone = ContactPersonFactory(
        organisation=org_a, name="Greta Gelöscht", email="greta@example.org"
    )
    LogEntry.objects.log_actions(
        staff_user.pk, [gone], CHANGE, change_message="[]", single_object=True
    )
    gone.delete()  # as an editor does on the organisation's edit page
    assert "greta@example.org" in every_table_as_text()

    found = staff.get("/geschaeftsstelle/personen/", {"email": "GRETA@example.org"})
    assert "Greta Gelöscht" in found.text and "Gelöschte Einträge" in found.text
    missing = staff.post("/geschaeftsstelle/personen/", {"email": "greta@example.org"})
    assert "Dieses Feld ist zwingend erforderlich." in missing.text
    assert "greta@example.org" in every_table_as_text()

    done = staff.post(
        "/geschaeftsstelle/personen/", {"email": "greta@example.org", "confirm": "on"}, follow=True
    )

    assert "Was von den gelöschten Einträgen übrig war, wurde gelöscht." in done.text
    everything = every_table_as_text()
    assert "greta" not in everything and "gelöscht" not in everything.replace(
        "gelöschte person", ""
    )
    assert SuppressedAddress.contains("greta@example.org")


def test_the_search_after_erasing_leftovers_keeps_an_address_with_a_plus(staff, org_a):
    gone = ContactPersonFactory(organisation=org_a, email="greta+netz@example.org")
    gone.delete()

    done = staff.post(
        "/geschaeftsstelle/personen/", {"email": gone.email, "confirm": "on"}, follow=True
    )

    assert (
        done.redirect_chain[-1][0] == "/geschaeftsstelle/personen/?email=greta%2Bnetz%40example.org"
    )
    assert 'value="greta+netz@example.org"' in done.text
