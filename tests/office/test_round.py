"""Building and sending an invitation round from the office's page."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.services import propose_invitees
from organisations.models import SuppressedAddress
from tests.factories import (
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
    TopicFactory,
)


@pytest.fixture
def network(db):
    youth = TopicFactory(name="Kinder und Jugendliche", slug="kinder")
    meeting = MeetingFactory(title="Vernetzungstreffen Kinder und Jugendliche", theme=youth)
    core = OrganisationFactory(name="Stammkreis e. V.", in_core_circle=True)
    themed = OrganisationFactory(name="Jugendhilfe gGmbH")
    themed.topics.set([youth])
    other = OrganisationFactory(name="Anderes Thema e. V.")
    people = {
        "core": ContactPersonFactory(organisation=core, name="Cora Stamm"),
        "core_objected": ContactPersonFactory(
            organisation=core, name="Wim Widerspruch", receives_invitations=False
        ),
        "expert": ContactPersonFactory(organisation=other, name="Tara Thema"),
        "main_contact": ContactPersonFactory(organisation=themed, name="Max Haupt", is_editor=True),
        "colleague": ContactPersonFactory(organisation=themed, name="Kim Kollegin"),
        "unrelated": ContactPersonFactory(organisation=other, name="Uli Unbeteiligt"),
    }
    people["expert"].topics.set([youth])
    return meeting, people


def test_proposals_carry_their_reason_and_skip_objections(network):
    meeting, people = network

    proposals = [(contact.name, reason) for contact, reason in propose_invitees(meeting=meeting)]

    assert proposals == [
        ("Cora Stamm", "core_circle"),
        ("Tara Thema", "theme"),
        ("Max Haupt", "theme"),
    ]


def test_proposals_leave_out_those_already_invited(network):
    meeting, people = network
    InvitationFactory(meeting=meeting, contact=people["core"])

    names = [contact.name for contact, _reason in propose_invitees(meeting=meeting)]

    assert "Cora Stamm" not in names


def test_inviting_the_topic_person_does_not_bring_up_the_editor_instead(network):
    meeting, people = network
    organisation = OrganisationFactory(name="Jugendmigrationsdienst")
    organisation.topics.set([meeting.theme])
    expert = ContactPersonFactory(organisation=organisation, name="Jana Jugend")
    expert.topics.set([meeting.theme])
    ContactPersonFactory(organisation=organisation, name="Ed Editor", is_editor=True)
    assert "Jana Jugend" in [c.name for c, _reason in propose_invitees(meeting=meeting)]

    InvitationFactory(meeting=meeting, contact=expert)

    names = [contact.name for contact, _reason in propose_invitees(meeting=meeting)]
    assert "Ed Editor" not in names and "Jana Jugend" not in names


def test_round_page_shows_proposals_and_adds_ticked_people(staff, network):
    meeting, people = network
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"

    page = staff.get(url)
    response = staff.post(
        url + "hinzufuegen/",
        {"core_circle": [people["core"].pk], "theme": [people["expert"].pk]},
        follow=True,
    )

    assert "Stammkreis" in page.text and "arbeitet zum Thema" in page.text
    assert "Wim Widerspruch" not in page.text
    assert "2 Personen für die Runde vorgemerkt; noch ist nichts versandt." in response.text
    reasons = dict(Invitation.objects.values_list("contact__name", "reason"))
    assert reasons == {"Cora Stamm": "core_circle", "Tara Thema": "theme"}


def test_round_search_adds_a_guest_but_never_an_objector(staff, network):
    meeting, people = network
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"

    found = staff.get(url, {"suche": "uli"})
    staff.post(
        url + "hinzufuegen/", {"staff": [people["unrelated"].pk, people["core_objected"].pk]}
    )

    assert "Uli Unbeteiligt" in found.text
    assert list(Invitation.objects.values_list("contact__name", "reason")) == [
        ("Uli Unbeteiligt", "staff")
    ]


def test_round_add_with_nothing_ticked_says_so(staff, network):
    meeting, _people = network

    response = staff.post(
        f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/hinzufuegen/",
        {"theme": ["abc"]},
        follow=True,
    )

    assert "Bitte wählen Sie mindestens eine Person aus" in response.text
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_round_send_button_queues_and_the_page_shows_progress(staff, network):
    meeting, people = network
    InvitationFactory(meeting=meeting, contact=people["core"])
    InvitationFactory(meeting=meeting, contact=people["expert"])
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"

    response = staff.post(url + "senden/", follow=True)
    assert "2 Einladungen werden versandt." in response.text
    assert 'data-hx-trigger="every 3s"' in response.text  # live progress while sending
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    progress = staff.get(url, headers={"HX-Request": "true", "HX-Target": "progress"})
    again = staff.post(url + "senden/", follow=True)

    assert progress.text.lstrip().startswith('<section id="progress"')
    assert "every 3s" not in progress.text  # nothing left in the queue: polling stops
    assert "Es gibt nichts zu versenden" in again.text
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("count", [1, 300])
def test_round_page_query_count_is_fixed(django_assert_num_queries, staff, count):
    meeting = MeetingFactory()
    for _ in range(count):
        InvitationFactory(meeting=meeting)
    # 1 session, 2 user, 3 the staff's second factor, 4 meeting, 5 notice counts,
    # 6 invitation counts, 7 reminder recipients, 8 change notice recipients, 9-12 proposals
    # (contacts: core circle, by topic, organisations with the topic, main contacts),
    # 13 count for the pages, 14 a page of invitations with contacts, 15 their notices,
    # 16 who objected instead of being proposed (and their suppression entries, when there are
    # any: one query more), 17 requests to take part, 18 proposed substitutes
    with django_assert_num_queries(18):
        staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/")


def test_round_page_shows_fifty_invitations_a_page_and_one_answer_if_chosen(staff):
    meeting = MeetingFactory()
    for number in range(52):
        InvitationFactory(meeting=meeting, contact__name=f"Person {number:02}")
    Invitation.objects.filter(contact__name__in=["Person 07", "Person 51"]).update(answer="yes")
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"

    first, second = staff.get(url), staff.get(url, {"seite": 2})
    yes = staff.get(url, {"zeigen": "yes"})
    unknown = staff.get(url, {"zeigen": "alles", "seite": "x"})

    assert "Person 00" in first.text and "Person 49" in first.text
    assert "Person 50" not in first.text and "Seite 1 von 2" in first.text
    assert "Person 50" in second.text and "Person 49" not in second.text
    assert "Person 07" in yes.text and "Person 51" in yes.text and "Person 08" not in yes.text
    assert 'aria-current="page">Zusagen (2)' in yes.text
    assert 'href="?" aria-current="page">Alle (52)' in first.text
    assert unknown.status_code == 200 and "Person 00" in unknown.text


@pytest.mark.parametrize("status", ["held", "cancelled"])
def test_round_page_proposes_nobody_once_the_meeting_is_held_or_cancelled(staff, network, status):
    meeting, people = network
    meeting.status = status
    meeting.cancellation_reason = "Krankheit"
    meeting.save()

    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/")

    assert "Cora Stamm" not in page.text
    assert "wurde abgesagt oder ist vorbei – es wird niemand mehr vorgeschlagen" in page.text


def test_participants_csv_is_safe_against_spreadsheet_formulas(staff, network):
    meeting, people = network
    people["core"].name = '=HYPERLINK("http://böse.example")'
    people["core"].save()
    InvitationFactory(meeting=meeting, contact=people["core"], answer="yes", note="+1 Begleitung")

    response = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/teilnehmende.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Name",
        "Organisation",
        "E-Mail",
        "Antwort",
        "Personen",
        "Hinweis",
        "Anwesend",
    ]
    assert rows[1][0] == '\'=HYPERLINK("http://böse.example")'
    assert rows[1][3] == "Zusage"
    assert rows[1][5] == "'+1 Begleitung"


def test_sign_in_sheet_lists_yes_and_maybe(staff, network):
    meeting, people = network
    InvitationFactory(meeting=meeting, contact=people["core"], answer="yes")
    InvitationFactory(meeting=meeting, contact=people["expert"], answer="maybe")
    InvitationFactory(meeting=meeting, contact=people["unrelated"], answer="no")

    response = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/teilnahmeliste/")

    assert "Cora Stamm" in response.text and "Tara Thema" in response.text
    assert "Uli Unbeteiligt" not in response.text
    assert "Unterschrift" in response.text


def test_attendance_waits_until_the_meeting_has_begun(staff, network, anonymous):
    """Figures of a meeting still to come would show on its public page."""
    meeting, people = network
    invitation = InvitationFactory(meeting=meeting, contact=people["core"], answer="yes")
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anwesenheit/"

    page = staff.get(url)
    response = staff.post(url, {"present": [invitation.pk]}, follow=True)

    assert "Die Anwesenheit lässt sich erfassen, sobald das Treffen begonnen hat." in page.text
    assert 'name="present"' not in page.text
    assert "Die Anwesenheit lässt sich erst erfassen, wenn das Treffen begonnen hat." in (
        response.text
    )
    meeting.refresh_from_db()
    assert meeting.participants_count is None
    assert Invitation.objects.get(pk=invitation.pk).attended is None
    assert "<dt>Teilnahme</dt>" not in anonymous.get(meeting.get_absolute_url()).text


def test_attendance_feeds_the_archive_figures(staff, network, anonymous):
    meeting, people = network
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )
    came = [
        InvitationFactory(meeting=meeting, contact=people["core"], answer="yes"),
        InvitationFactory(meeting=meeting, contact=people["main_contact"], answer="maybe"),
        InvitationFactory(meeting=meeting, contact=people["colleague"], answer="no"),
    ]
    absent = InvitationFactory(meeting=meeting, contact=people["expert"], answer="yes")
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/anwesenheit/"

    response = staff.post(url, {"present": [c.pk for c in came] + ["x"]}, follow=True)

    assert "Anwesenheit gespeichert: 3 Personen aus 2 Organisationen." in response.text
    assert Invitation.objects.get(pk=absent.pk).attended is False
    meeting.refresh_from_db()
    assert meeting.attendance_label == "3 Personen aus 2 Organisationen"
    assert "3 Personen aus 2 Organisationen" in anonymous.get(meeting.get_absolute_url()).text


def test_staff_record_an_answer_received_by_phone(staff, network):
    meeting, people = network
    invitation = InvitationFactory(meeting=meeting, contact=people["core"])
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/{invitation.pk}/antwort/"

    bad = staff.post(url, {"answer": "yes", "persons": "0"})
    response = staff.post(url, {"answer": "yes", "persons": "2", "note": "am Telefon"}, follow=True)

    assert "größer oder gleich 1" in bad.text
    assert "Die Antwort von Cora Stamm wurde gespeichert." in response.text
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.persons, invitation.note) == ("yes", 2, "am Telefon")


def test_people_added_are_noted_not_invited_until_sent(staff, network):
    meeting, people = network
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"
    staff.post(url + "hinzufuegen/", {"core_circle": [people["core"].pk]})

    page = staff.get(url).text

    assert "vorgemerkt" in page and "Alle Vorgeschlagenen sind eingeladen" not in page
    assert Invitation.objects.get(contact=people["core"]).delivery == "draft"


def test_a_noted_person_is_removed_and_proposed_again_but_a_sent_one_stays(staff, network):
    meeting, people = network
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"
    noted = InvitationFactory(meeting=meeting, contact=people["core"], reason="core_circle")
    sent = InvitationFactory(meeting=meeting, contact=people["expert"], delivery="sent")

    removed = staff.post(f"{url}{noted.pk}/entfernen/", follow=True)
    kept = staff.post(f"{url}{sent.pk}/entfernen/", follow=True)

    assert "Cora Stamm wurde aus der Einladungsrunde genommen." in removed.text
    assert not Invitation.objects.filter(pk=noted.pk).exists()
    assert 'name="core_circle" value="{}"'.format(people["core"].pk) in removed.text
    assert "Entfernen lassen sich nur Einladungen, die noch nicht versandt sind." in kept.text
    assert Invitation.objects.filter(pk=sent.pk).exists()


def test_sending_asks_first_how_many_mails_go_to_whom(staff, network):
    meeting, people = network
    for key in ["core", "main_contact", "colleague"]:
        InvitationFactory(meeting=meeting, contact=people[key])
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/senden/"

    confirmation = staff.get(url)

    assert "Sie senden jetzt 3 E-Mails an 2 Organisationen." in confirmation.text
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"draft"}
    staff.post(url)
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"queued"}


def test_the_office_keeps_one_person_of_an_organisation_with_one_click(staff, network):
    meeting, people = network
    editor = ContactPersonFactory(
        organisation=people["core"].organisation, name="Erik Editor", is_editor=True
    )
    url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"
    page = staff.get(url).text
    assert "Stammkreis e. V.: 2 Personen vorgeschlagen" in page

    one = staff.get(url, {"eine": people["core"].organisation.pk}).text

    assert f'value="{editor.pk}" checked' in one
    assert f'value="{people["core"].pk}">' in one  # still offered, no longer ticked
    assert f'value="{people["main_contact"].pk}" checked' in one  # other organisations as before


def test_objections_show_where_the_person_would_have_been_proposed(staff, network):
    meeting, people = network
    SuppressedAddress.add(people["core_objected"].email)

    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text

    assert "Wim Widerspruch · Stammkreis e. V. – hat widersprochen (seit" in page


def test_the_office_records_an_answer_in_its_own_words(staff, network):
    meeting, people = network
    invitation = InvitationFactory(meeting=meeting, contact=people["core"])

    page = staff.get(
        f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/{invitation.pk}/antwort/"
    )

    assert "Ihre Antwort" not in page.text and "Sie eingeschlossen" not in page.text
    assert "kommt nicht" in page.text and "die eingeladene Person eingeschlossen" in page.text


def test_send_times_read_as_german_dates(staff, network):
    meeting, people = network
    invitation = InvitationFactory(meeting=meeting, contact=people["core"], delivery="sent")
    sent_at = timezone.make_aware(datetime.datetime(2026, 12, 1, 0, 53))
    invitation.notices.create(kind="reminder", key="2026-12-01", delivery="sent", sent_at=sent_at)

    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text

    assert "Erinnerung: versandt, 1. Dezember 2026, 00:53" in page
