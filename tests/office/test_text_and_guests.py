"""The office edits the invitation text with a preview, and adds guests on the spot."""

import pytest

from meetings.emails import invitation_message
from meetings.models import Invitation
from organisations.models import ContactPerson, Organisation
from tests.factories import InvitationFactory, MeetingFactory, OrganisationFactory


@pytest.fixture
def meeting(db):
    meeting = MeetingFactory(title="Vernetzungstreffen Arbeit")
    InvitationFactory(meeting=meeting, contact__name="Aylin Demir")
    InvitationFactory(meeting=meeting, contact__name="Bernd Maier")
    return meeting


def text_url(meeting):
    return f"/geschaeftsstelle/treffen/{meeting.slug}/einladungstext/"


def test_default_text_is_offered_and_previewed(staff, meeting):
    page = staff.get(text_url(meeting)).content.decode()

    assert "wir laden Sie herzlich zum Vernetzungstreffen zum Thema" in page
    assert "Einladung: Vernetzungstreffen Arbeit" in page
    assert "Guten Tag Aylin Demir," in page  # the first recipient by default


def test_preview_shows_the_unsaved_text_for_the_chosen_recipient(staff, meeting):
    bernd = Invitation.objects.get(contact__name="Bernd Maier")
    data = {"invitation_text": "liebe Kolleg*innen,\nbitte kommen Sie!", "empfaenger": bernd.pk}

    page = staff.post(text_url(meeting), data | {"preview": ""}).content.decode()

    assert "Guten Tag Bernd Maier," in page
    assert "bitte kommen Sie!" in page
    assert bernd.token in page  # exactly as sent: with the personal link
    meeting.refresh_from_db()
    assert meeting.invitation_text == ""  # a preview saves nothing


def test_saved_text_goes_into_the_mail_exactly_as_previewed(staff, meeting):
    aylin = Invitation.objects.get(contact__name="Aylin Demir")
    data = {"invitation_text": "bitte kommen Sie <b>alle</b>!", "empfaenger": aylin.pk}
    preview = staff.post(text_url(meeting), data | {"preview": ""}).content.decode()

    response = staff.post(text_url(meeting), data | {"save": ""})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.invitation_text == "bitte kommen Sie <b>alle</b>!"
    aylin.refresh_from_db()
    message = invitation_message(aylin)
    assert "bitte kommen Sie <b>alle</b>!" in message.body
    assert "bitte kommen Sie &lt;b&gt;alle&lt;/b&gt;!" in preview  # shown as text, not markup
    html = message.alternatives[0].content
    assert "&lt;b&gt;alle&lt;/b&gt;" in html


def test_saving_the_unchanged_default_keeps_following_the_meeting(staff, meeting):
    default = staff.get(text_url(meeting)).context["form"].initial["invitation_text"]
    staff.post(text_url(meeting), {"invitation_text": default, "save": ""})

    meeting.refresh_from_db()
    assert meeting.invitation_text == ""


def guest_url(meeting):
    return f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/gast/"


def guest_data(**changes):
    return {
        "name": "Dr. Petra Lang",
        "email": "petra.lang@rps.example.org",
        "role": "Referat 15",
        "organisation": "",
        "new_organisation": "Regierungspräsidium Karlsruhe",
    } | changes


def test_guest_with_a_new_state_agency(staff, meeting):
    response = staff.post(guest_url(meeting), guest_data())

    assert response.status_code == 302
    agency = Organisation.objects.get(name="Regierungspräsidium Karlsruhe")
    assert agency.kind == Organisation.Kind.STATE_AGENCY
    assert not agency.listed_publicly
    contact = agency.contacts.get()
    assert (contact.name, contact.role, contact.visibility) == (
        "Dr. Petra Lang",
        "Referat 15",
        ContactPerson.Visibility.STAFF,
    )
    invitation = Invitation.objects.get(contact=contact)
    assert (invitation.meeting, invitation.reason, invitation.delivery) == (
        meeting,
        "staff",
        "draft",
    )


def test_guest_at_an_agency_already_in_the_directory(staff, meeting):
    agency = OrganisationFactory(name="Landratsamt Tübingen", kind="state_agency")

    staff.post(guest_url(meeting), guest_data(organisation=agency.pk, new_organisation=""))

    assert (
        Invitation.objects.get(contact__email="petra.lang@rps.example.org").contact.organisation
        == agency
    )
    assert Organisation.objects.filter(name="Regierungspräsidium Karlsruhe").count() == 0


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"new_organisation": ""}, "Bitte wählen Sie die Stelle des Gastes aus"),
        ({"organisation": "AGENCY"}, "nicht beides"),
        ({"email": "petra"}, "Bitte gültige E-Mail-Adresse eingeben."),
        ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"organisation": "999999", "new_organisation": ""}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_guest_bad_input_changes_nothing_and_keeps_the_input(staff, meeting, changes, error):
    agency = OrganisationFactory(kind="state_agency")
    changes = {k: agency.pk if v == "AGENCY" else v for k, v in changes.items()}
    before = (
        Organisation.objects.count(),
        ContactPerson.objects.count(),
        Invitation.objects.count(),
    )

    response = staff.post(guest_url(meeting), guest_data(**changes))

    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert 'value="Referat 15"' in page
    after = (
        Organisation.objects.count(),
        ContactPerson.objects.count(),
        Invitation.objects.count(),
    )
    assert after == before
