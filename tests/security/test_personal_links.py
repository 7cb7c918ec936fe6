"""QUALITY.md → Tokens in e-mailed links: what a personal link (or a forwarded copy) can do.

A link can answer, name a colleague already in the directory, propose a new person to the
office, and object. It can never create a person, make the network send mail to an address of
its choosing, lead to a further link, or tell which addresses are known or suppressed.
"""

import re
import secrets

import pytest
from django.core import mail
from django.test import Client

from meetings.models import Invitation, SubstituteProposal
from organisations.models import ContactPerson, SuppressedAddress
from tests.factories import ContactPersonFactory, InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invitation(db):
    return InvitationFactory(contact__organisation__in_core_circle=True)


def fresh_client() -> Client:
    """A client of its own address: these tests commit, and so do their rate-limit counts."""
    return Client(REMOTE_ADDR=f"198.18.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}")


def propose(invitation, name="Mallory Muster", email="mallory@example.org"):
    return fresh_client().post(
        f"/einladung/{invitation.token}/vertretung/", {"name": name, "email": email}, follow=True
    )


def test_a_forwarded_link_cannot_plant_a_contact_nor_send_mail(
    invitation, django_capture_on_commit_callbacks
):
    """Fails without the fix: a new contact was created in the invitee's organisation, set to
    receive invitations, and invited at once with its own link."""
    contacts = ContactPerson.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = propose(invitation)

    assert "Die Geschäftsstelle prüft Ihren Vorschlag" in response.text
    assert ContactPerson.objects.count() == contacts
    assert not Invitation.objects.filter(reason="substitute").exists()
    assert queued == [] and mail.outbox == []
    assert SubstituteProposal.objects.get().invitation == invitation


def test_a_substitutes_link_names_nobody_further(invitation, django_capture_on_commit_callbacks):
    colleague = ContactPersonFactory(organisation=invitation.contact.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        fresh_client().post(
            f"/einladung/{invitation.token}/vertretung/", {"colleague": colleague.pk}
        )
    stand_in = Invitation.objects.get(contact=colleague)
    third = ContactPersonFactory(organisation=invitation.contact.organisation)

    for data in [{"colleague": third.pk}, {"name": "Nächste Person", "email": "n@example.org"}]:
        response = fresh_client().post(f"/einladung/{stand_in.token}/vertretung/", data)
        assert "Als Vertretung können Sie niemand weiteren benennen." in response.text
    assert not Invitation.objects.filter(contact=third).exists()
    assert not SubstituteProposal.objects.exists()


def test_only_colleagues_of_the_own_organisation_can_be_named(invitation):
    stranger = ContactPersonFactory(name="Fremde Person")
    kept = ContactPersonFactory(organisation=invitation.contact.organisation, visibility="staff")

    for person in [stranger, kept, invitation.contact]:
        response = fresh_client().post(
            f"/einladung/{invitation.token}/vertretung/", {"colleague": person.pk}
        )
        assert "Bitte wählen Sie eine Person aus der Liste." in response.text
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "Besuchen Sie https://evil.example",
        "www.evil.example",
        "Mallory <a href=x>",
        "Mallory\r\nBcc: opfer@example.org",
        "M" * 101,
    ],
)
def test_a_proposed_name_is_a_plain_name(invitation, name):
    propose(invitation, name=name)

    assert not SubstituteProposal.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answer == "open"


def test_the_answer_is_the_same_for_every_address(invitation):
    """Fails without the fix: an objected or erased address answered "kann nicht eingeladen
    werden", a known one "bereits eingeladen"."""
    objected = ContactPersonFactory(organisation=invitation.contact.organisation)
    SuppressedAddress.add(objected.email)
    known = InvitationFactory(meeting=invitation.meeting).contact
    texts = []
    for email in [objected.email, known.email, invitation.contact.email, "neu@example.org"]:
        SubstituteProposal.objects.all().delete()
        Invitation.objects.filter(pk=invitation.pk).update(answer="open")
        page = propose(invitation, email=email).text
        main = page.split("<main")[1].split("</main>")[0]
        texts.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main))

    assert len(set(texts)) == 1
    assert "Die Geschäftsstelle prüft Ihren Vorschlag" in texts[0]


def test_the_substitute_form_is_rate_limited(invitation, settings):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"invitation_page": "3/m/ip"}
    client = Client(REMOTE_ADDR="192.0.2.77")
    url = f"/einladung/{invitation.token}/vertretung/"

    statuses = [client.post(url, {"name": "", "email": ""}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
