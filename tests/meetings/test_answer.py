"""The invitee's answer page, reached from the personal link without an account."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.services import propose_invitees, send_invitations
from tests.factories import ContactPersonFactory, InvitationFactory, MeetingFactory


@pytest.fixture
def invitation(db):
    return InvitationFactory(
        meeting=MeetingFactory(
            title="Vernetzungstreffen Gesundheit", online_link="https://x.example.org/r"
        ),
    )


def answer_data(**changes):
    return {
        "answer": "maybe",
        "persons": "2",
        "note": "Wir brauchen Dolmetschung (Dari).",
    } | changes


def test_answer_link_token_has_256_bits_and_only_a_hash_is_stored(invitation):
    token = invitation.token

    assert len(token) == 64  # hex of an HMAC-SHA256: 256 bits
    assert len(invitation.nonce) == 32  # 128 bits from secrets
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM meetings_invitation")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in stored


def test_answer_page_shows_the_meeting_and_changes_nothing_on_get(anonymous, invitation):
    before = Invitation.objects.values().get(pk=invitation.pk)

    response = anonymous.get(invitation.get_answer_url())

    assert response.status_code == 200
    assert "Vernetzungstreffen Gesundheit" in response.text
    assert "https://x.example.org/r" in response.text  # invitees see the online link
    assert "Ich komme nicht" in response.text and "Vielleicht" in response.text
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert Invitation.objects.values().get(pk=invitation.pk) == before


def test_answer_is_saved_and_can_be_changed(anonymous, invitation):
    url = invitation.get_answer_url()

    response = anonymous.post(url, answer_data(), follow=True)
    anonymous.post(url, answer_data(answer="yes", persons="3"))

    assert "Vielen Dank, Ihre Antwort ist gespeichert." in response.text
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.persons) == ("yes", 3)
    assert invitation.note == "Wir brauchen Dolmetschung (Dari)."
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"answer": "vielleicht-ja"}, "Bitte eine gültige Auswahl treffen."),
        ({"answer": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"persons": "0"}, "größer oder gleich 1"),
        ({"persons": "viele"}, "ganze Zahl"),
        ({"note": "x" * 501}, "höchstens 500 Zeichen"),
    ],
)
def test_answer_bad_input_changes_nothing(anonymous, invitation, changes, message):
    response = anonymous.post(invitation.get_answer_url(), answer_data(**changes))

    assert response.status_code == 200
    assert message in response.text
    invitation.refresh_from_db()
    assert invitation.answer == "open"
    assert invitation.answered_at is None


def test_answer_closes_at_the_deadline(anonymous, invitation):
    invitation.meeting.answer_deadline = timezone.now() - datetime.timedelta(minutes=1)
    invitation.meeting.save()

    page = anonymous.get(invitation.get_answer_url())
    late = anonymous.post(invitation.get_answer_url(), answer_data(), follow=True)

    assert "Die Zeit für Rückmeldungen ist vorbei." in page.text
    assert "Nichts wurde geändert." in late.text
    invitation.refresh_from_db()
    assert invitation.answer == "open"


def test_unknown_revoked_and_expired_links_give_the_same_404(anonymous, invitation):
    unknown = anonymous.get("/einladung/" + "0" * 64 + "/")
    old_url = invitation.get_answer_url()
    invitation.new_link()
    invitation.save()
    revoked_link = anonymous.get(old_url)
    expired = InvitationFactory(
        meeting=MeetingFactory(
            status=Meeting.Status.HELD,
            starts_at=timezone.now() - datetime.timedelta(days=40),
            ends_at=timezone.now() - datetime.timedelta(days=40, hours=-2),
        )
    )
    expired_link = anonymous.get(expired.get_answer_url())
    revoked = InvitationFactory(revoked_at=timezone.now())
    revoked_flag = anonymous.get(revoked.get_answer_url())

    responses = [unknown, revoked_link, expired_link, revoked_flag]
    assert [response.status_code for response in responses] == [404] * 4
    # The same page apart from the footer's language form, which carries the current address.
    assert len({response.text.split("<main")[1].split("</main>")[0] for response in responses}) == 1
    assert "Seite nicht gefunden" in unknown.text


def test_answer_needs_the_csrf_token(invitation):
    client = Client(enforce_csrf_checks=True)

    response = client.post(invitation.get_answer_url(), answer_data())

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.answer == "open"


def test_one_invitation_per_contact_and_meeting(invitation):
    duplicate = Invitation(meeting=invitation.meeting, contact=invitation.contact, reason="staff")

    with pytest.raises(Exception, match="bereits zu diesem Treffen eingeladen"):
        duplicate.full_clean()


def test_answer_script_text_in_note_is_escaped(anonymous, invitation):
    anonymous.post(invitation.get_answer_url(), answer_data(note="<script>alert(1)</script>"))

    response = anonymous.get(invitation.get_answer_url())

    assert "<script>alert" not in response.text


def test_answer_page_names_only_the_colleagues_who_can_stand_in(anonymous, invitation):
    organisation = invitation.contact.organisation
    colleague = ContactPersonFactory(organisation=organisation, name="Kai Kollege")
    kept = ContactPersonFactory(organisation=organisation, name="Sam Stab", visibility="staff")
    quiet = ContactPersonFactory(
        organisation=organisation, name="Uli Ungefragt", receives_invitations=False
    )
    stranger = ContactPersonFactory(name="Fritz Fremd")

    page = anonymous.get(invitation.get_answer_url()).text

    assert invitation.contact.name in page
    assert colleague.name in page and colleague.email not in page
    for hidden in [kept, quiet, stranger]:
        assert hidden.name not in page


def test_objection_takes_effect_at_once_for_every_send(anonymous, invitation, staff_user):
    other_meeting = MeetingFactory()
    pending = InvitationFactory(meeting=other_meeting, contact=invitation.contact)

    response = anonymous.post(invitation.get_answer_url() + "widerspruch/", follow=True)

    assert "Sie erhalten keine weiteren Einladungen." in response.text
    invitation.contact.refresh_from_db()
    assert invitation.contact.receives_invitations is False
    assert send_invitations(meeting=other_meeting, sent_by=staff_user) == 0
    assert Invitation.objects.get(pk=pending.pk).delivery == "draft"
    assert invitation.contact not in [c for c, _ in propose_invitees(meeting=other_meeting)]


def test_objection_asks_once_and_get_changes_nothing(anonymous, invitation):
    """Issue 22, point 6: "Wirklich?" before the objection; the GET only asks."""
    response = anonymous.get(invitation.get_answer_url() + "widerspruch/")

    assert response.status_code == 200
    assert "Wirklich? Sie erhalten dann keine Einladungen mehr zu Treffen des Netzwerks." in (
        response.text
    )
    invitation.contact.refresh_from_db()
    assert invitation.contact.receives_invitations is True


def test_members_see_their_invitations_on_the_home_page(member, member_contact, anonymous):
    invitation = InvitationFactory(
        contact=member_contact, meeting=MeetingFactory(title="Mein Treffen")
    )
    InvitationFactory(meeting=MeetingFactory(title="Fremdes Treffen"))

    response = member.get("/")

    assert "Ihre Einladungen" in response.text
    assert invitation.get_answer_url() in response.text
    assert (
        "Fremdes Treffen" not in response.text.split("Ihre Einladungen")[1].split("</section>")[0]
    )
    assert "Ihre Einladungen" not in anonymous.get("/").text


def test_members_see_which_organisations_said_yes(member, anonymous, db):
    meeting = MeetingFactory()
    yes = InvitationFactory(meeting=meeting, answer="yes")
    no = InvitationFactory(meeting=meeting, answer="no")

    seen_by_member = member.get(meeting.get_absolute_url()).text
    seen_by_visitor = anonymous.get(meeting.get_absolute_url()).text

    assert "Diese Organisationen haben zugesagt" in seen_by_member
    assert yes.contact.organisation.name in seen_by_member
    assert no.contact.organisation.name not in seen_by_member
    assert yes.contact.organisation.name not in seen_by_visitor


def test_members_see_their_invitations_and_answers_on_their_account_page(
    member, member_contact, outsider_contact
):
    coming = InvitationFactory(
        meeting=MeetingFactory(title="Vernetzungstreffen Gesundheit"),
        contact=member_contact,
        answer="yes",
        persons=2,
    )
    past = MeetingFactory(
        title="Vernetzungstreffen Wohnen",
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=60, hours=-3),
    )
    InvitationFactory(meeting=past, contact=member_contact, answer="no")
    InvitationFactory(meeting=MeetingFactory(title="Fremde Einladung"), contact=outsider_contact)

    page = member.get("/konto/").content.decode()

    assert coming.get_answer_url() in page
    assert "2 Personen" in page
    assert "Vernetzungstreffen Wohnen" in page and "Ihre Antwort: Absage" in page
    assert "Fremde Einladung" not in page


def test_an_invited_member_answers_from_the_meeting_page(member, member_contact, outsider):
    """Issue 22, point 4."""
    meeting = MeetingFactory(title="Vernetzungstreffen Wohnen")
    invitation = InvitationFactory(meeting=meeting, contact=member_contact)

    page = member.get(meeting.get_absolute_url()).text
    other = outsider.get(meeting.get_absolute_url()).text

    assert "Sie sind eingeladen." in page and invitation.get_answer_url() in page
    assert "Jetzt antworten" in page
    assert "Sie sind eingeladen." not in other and invitation.get_answer_url() not in other
