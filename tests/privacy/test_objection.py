"""An objection (and an erasure) holds on every path that could make the address invitable
again; only the person themself lifts it, from a link that was sent to their address."""

import pytest
from django.core import mail
from django.test import Client

from meetings.models import Invitation
from meetings.services import send_invitations
from meetings.tasks import deliver_invitations
from organisations.models import ContactPerson, SuppressedAddress
from tests.factories import ContactPersonFactory, InvitationFactory, MeetingFactory
from tests.organisations.test_edit import contact_data


@pytest.fixture
def objected(member_contact):
    invitation = InvitationFactory(contact=member_contact)
    Client().post(f"/einladung/{invitation.token}/widerspruch/")
    member_contact.refresh_from_db()
    assert member_contact.receives_invitations is False
    return member_contact


def test_an_editor_cannot_tick_invitations_again_for_someone_who_objected(
    editor, editor_contact, objected
):
    """Fails without the fix: the box was saved ticked, and the next send reached them."""
    data = contact_data(objected, receives_invitations="on")

    response = editor.post(objected.get_edit_url(), data)

    assert response.status_code == 200
    assert "Diese Person hat weiteren Einladungen widersprochen" in response.text
    objected.refresh_from_db()
    assert objected.receives_invitations is False


def test_the_contact_form_and_the_admin_keep_the_objection(editor, staff, objected):
    data = {
        "name": objected.name,
        "email": objected.email,
        "visibility": "members",
        "receives_invitations": "on",
    }
    editor.post(objected.get_edit_url(), data)
    staff.post(
        f"/admin/organisations/contactperson/{objected.pk}/change/",
        data | {"organisation": objected.organisation.pk},
    )
    objected.receives_invitations = True
    objected.save()  # any other path that saves the entry

    assert ContactPerson.objects.get(pk=objected.pk).receives_invitations is False


def test_an_erased_persons_address_typed_back_into_the_placeholder_stays_uninvitable(
    staff, editor, editor_contact, member_contact
):
    """Fails without the fix: the placeholder entry became invitable again."""
    email = member_contact.email
    staff.post(f"/geschaeftsstelle/personen/{member_contact.pk}/", {"confirm": "on"})
    placeholder = ContactPerson.objects.get(pk=member_contact.pk)
    data = contact_data(placeholder, name="Mira Mitglied", email=email, receives_invitations="on")

    editor.post(placeholder.get_edit_url(), data)
    data.pop("receives_invitations")
    editor.post(placeholder.get_edit_url(), data)
    placeholder.refresh_from_db()
    placeholder.receives_invitations = True
    placeholder.save()

    placeholder.refresh_from_db()
    assert placeholder.email == email and placeholder.receives_invitations is False


@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_again_when_it_sends(staff_user, django_capture_on_commit_callbacks):
    """Queued before the objection, withheld after it: nothing reaches the person."""
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting)
    send_invitations(meeting=meeting, sent_by=staff_user)
    ContactPerson.objects.filter(pk=invitation.contact_id).update(receives_invitations=False)

    deliver_invitations.call([invitation.pk])

    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.delivery == "failed"
    assert invitation.delivery_error.startswith("Nicht versandt: Widerspruch")


def test_only_the_person_lifts_their_objection_from_their_link(member_contact, objected):
    invitation = Invitation.objects.get(contact=objected)
    page = Client().get(f"/einladung/{invitation.token}/").text
    assert "Wieder Einladungen erhalten" in page

    response = Client().post(f"/einladung/{invitation.token}/widerspruch/aufheben/", follow=True)

    assert "Sie erhalten wieder Einladungen des Netzwerks." in response.text
    objected.refresh_from_db()
    assert objected.receives_invitations is True
    assert not SuppressedAddress.contains(objected.email)


def test_lifting_needs_an_objection(member_contact):
    """An entry an editor set to receive no invitations is not the person's objection."""
    ContactPerson.objects.filter(pk=member_contact.pk).update(receives_invitations=False)
    invitation = InvitationFactory(contact=member_contact)

    Client().post(f"/einladung/{invitation.token}/widerspruch/aufheben/")

    member_contact.refresh_from_db()
    assert member_contact.receives_invitations is False


def test_a_new_entry_with_a_suppressed_address_cannot_receive_invitations(db):
    SuppressedAddress.add("weg@example.org")

    contact = ContactPersonFactory(email="WEG@example.org")

    assert contact.receives_invitations is False
