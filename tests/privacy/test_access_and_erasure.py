"""Art. 15 (access) and Art. 17 (erasure) for a person, from the browser's point of view."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from meetings.models import Invitation, Notice
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
    assert Client().get(f"/einladung/{invitation.token}/").status_code == 200
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
