"""Each mail says once what it asks, and its footer names the mail it is."""

from meetings.emails import invitation_message, preview_notice
from tests.factories import InvitationFactory


def test_the_reminder_asks_only_once_whether_the_person_comes(db):
    invitation = InvitationFactory(contact__organisation__name="Caritas Stuttgart")

    message = preview_notice(invitation, "reminder")

    assert message.body.count("ob Sie kommen") == 1
    html = message.alternatives[0].content
    assert html.count("ob Sie kommen") == 1
    assert "Sie erhalten diese Erinnerung als Ansprechperson von Caritas Stuttgart" in message.body


def test_each_mail_names_itself_in_the_footer(db):
    invitation = InvitationFactory(answer="yes")

    footers = {
        kind: preview_notice(invitation, kind).body.split("\n--\n")[1]
        for kind in ["confirmation", "change", "cancellation"]
    }
    footers["invitation"] = invitation_message(invitation).body.split("\n--\n")[1]

    assert footers["invitation"].startswith("Sie erhalten diese Einladung")
    assert footers["confirmation"].startswith("Sie erhalten diese Bestätigung, weil Sie sie")
    assert footers["change"].startswith("Sie erhalten diese Mitteilung")
    assert footers["cancellation"].startswith("Sie erhalten diese Mitteilung")


def test_every_mail_and_meeting_page_says_how_to_reach_the_office(db, anonymous, settings):
    """Issue 22, point 3: the office's contact in every mail's signature and on each meeting."""
    settings.NETWORK_EMAIL = "info@fluechtlingsrat.example"
    invitation = InvitationFactory()

    mail_text = invitation_message(invitation).body.split("\n--\n")[0]
    page = anonymous.get(invitation.meeting.get_absolute_url()).text

    assert mail_text.rstrip().endswith("info@fluechtlingsrat.example")
    assert "Fragen zum Treffen?" in page and "mailto:info@fluechtlingsrat.example" in page


def test_visitors_learn_what_the_core_circle_is(anonymous, db):
    page = anonymous.get("/organisationen/").text

    assert "„Stammkreis“ werden zu jedem Treffen des Netzwerks eingeladen" in page
