"""A date poll from start to finish, in the browser: the office opens it for a meeting announced
without a date, asks the proposed people and one found by search, sends; two participants answer
from the links in their mails (one on a phone, one at a desk); the office reads the results,
fixes the best date and lands on the pre-filled invitation round; the calendar feed and the
"Der Termin steht fest" mail carry the meeting with the same UID. Screenshots go to
screenshots/poll/; axe and the Nu HTML checker look at every new page state."""

import datetime
import re
from functools import partial

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from meetings.models import DatePoll, Invitation, Meeting, PollParticipant
from tests.browser.conftest import check_html, checked, screenshot
from tests.conftest import run_worker
from tests.factories import (
    ContactPersonFactory,
    MeetingFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Vernetzungstreffen Kinder und Jugendliche"
# (day, from, to) as typed into the form, and the label the pages show for each.
DATES = [
    ("2027-02-10", "14:00", "17:00", "Mittwoch, 10. Februar 2027, 14:00–\u206017:00"),
    ("2027-03-04", "10:00", "13:00", "Donnerstag, 4. März 2027, 10:00–\u206013:00"),
    ("2027-03-16", "14:00", "17:00", "Dienstag, 16. März 2027, 14:00–\u206017:00"),
]
FEB, MARCH_4, MARCH_16 = (label for *_typed, label in DATES)


shot = partial(screenshot, folder="poll")


def poll_link(address: str) -> str:
    """The personal link in the poll mail to `address`, as a path on the live server."""
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"/abstimmung/[^/\s]+/", message.body).group()


def answer(page, choices: dict[str, str]):
    """Tick a German answer ("passt", "notfalls", "passt nicht") for each date's label."""
    for label, choice in choices.items():
        page.get_by_role("group", name=label).get_by_label(choice, exact=True).check()


def test_the_office_finds_a_date_by_poll_and_invites_to_it(
    new_page, staff_user, settings, live_server, tmp_path
):
    settings.SITE_URL = live_server.url
    theme = TopicFactory(name="Kinder und Jugendliche", slug="kinder-und-jugendliche")
    meeting = MeetingFactory(
        title=TITLE,
        theme=theme,
        status=Meeting.Status.ANNOUNCED,
        starts_at=None,
        ends_at=None,
        period_year=2027,
        period_quarter=1,
    )
    core = OrganisationFactory(name="Diakonie Württemberg", in_core_circle=True)
    ContactPersonFactory(
        organisation=core, name="Dora Diakon", email="dora@example.org", is_editor=True
    )
    youth = OrganisationFactory(name="Kreisjugendring Esslingen")
    youth.topics.set([theme])
    ContactPersonFactory(
        organisation=youth, name="Jana Jugend", email="jana@example.org", is_editor=True
    )
    agency = OrganisationFactory(name="Stadtjugendamt Reutlingen")
    ContactPersonFactory(organisation=agency, name="Anton Amt", email="anton@example.org")
    documents = {}

    # The office opens the poll from its home: three dates in the first quarter.
    staff = new_page(staff_user)
    staff.goto("/geschaeftsstelle/")
    card = staff.locator(".card", has_text=TITLE)
    expect(card).to_contain_text("noch kein Termin: Terminabstimmung eröffnen")
    card.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Terminabstimmung", exact=True).click()
    expect(staff.get_by_role("button", name="Terminabstimmung eröffnen")).to_be_visible()
    checked(staff, documents, "open form")
    for number, (day, starts, ends, _label) in enumerate(DATES, start=1):
        row = staff.get_by_role("group", name=f"Termin {number}", exact=True)
        row.get_by_label("Datum").fill(day)
        row.get_by_label("Von").fill(starts)
        row.get_by_label("Bis", exact=True).fill(ends)
    staff.get_by_label("Antworten bis").fill("2027-01-20")
    staff.get_by_label("Hinweis an die Teilnehmenden (freiwillig)").fill(
        "Das Treffen findet im Haus der Begegnung in Stuttgart statt."
    )
    shot(staff, "1-open-form")
    staff.get_by_role("button", name="Terminabstimmung eröffnen").click()
    expect(staff.get_by_text("Die Terminabstimmung ist eröffnet.")).to_be_visible()
    poll = DatePoll.objects.get(meeting=meeting)
    assert [slot.label for slot in poll.slots.all()] == [FEB, MARCH_4, MARCH_16]
    assert timezone.localtime(poll.deadline).date() == datetime.date(2027, 1, 20)

    # Who is asked: the proposals (core circle, the theme), then one person found by search.
    staff.get_by_role("link", name="Wer gefragt wird (0) – Personen hinzufügen").click()
    proposals = staff.locator("section", has_text="Vorgeschlagen")
    expect(proposals.get_by_label(re.compile("Dora Diakon"))).to_be_checked()
    expect(proposals.get_by_label(re.compile("Jana Jugend"))).to_be_checked()
    expect(proposals).not_to_contain_text("Anton Amt")
    checked(staff, documents, "poll with proposals")
    shot(staff, "2-proposals")
    staff.get_by_role("button", name="Angekreuzte Personen zur Abstimmung hinzufügen").click()
    expect(staff.get_by_text("2 Personen zur Abstimmung hinzugefügt")).to_be_visible()
    expect(staff.get_by_text("Alle Vorgeschlagenen sind gefragt.")).to_be_visible()
    staff.get_by_label("Name, E-Mail oder Organisation").fill("Stadtjugendamt")
    staff.get_by_role("button", name="Suche", exact=True).click()
    staff.get_by_label(re.compile("Anton Amt")).check()
    checked(staff, documents, "poll with search results")
    shot(staff, "3-search")
    staff.get_by_role("button", name="Angekreuzte Personen zur Abstimmung hinzufügen").click()
    expect(staff.get_by_text("1 Person zur Abstimmung hinzugefügt")).to_be_visible()

    # Send, after the confirmation.
    expect(staff.get_by_role("row", name=re.compile("Anton Amt"))).to_contain_text("vorgemerkt")
    staff.get_by_role("link", name="Abstimmung an 3 Personen senden …").click()
    expect(staff.get_by_text("Sie senden jetzt 3 E-Mails")).to_be_visible()
    checked(staff, documents, "send confirmation")
    shot(staff, "4-send-confirm")
    staff.get_by_role("button", name="3 E-Mails jetzt versenden").click()
    expect(staff.get_by_text("3 E-Mails werden gesendet.")).to_be_visible()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anton@example.org",
        "dora@example.org",
        "jana@example.org",
    ]
    assert set(PollParticipant.objects.values_list("delivery", flat=True)) == {"sent"}

    # Dora answers on her phone, Jana at her desk, each from the link in her mail.
    dora = new_page(width=390)
    dora.goto(poll_link("dora@example.org"))
    expect(dora.get_by_text("Terminabstimmung für Dora Diakon")).to_be_visible()
    expect(dora.get_by_text("Das Treffen findet im Haus der Begegnung")).to_be_visible()
    checked(dora, documents, "participant page")
    shot(dora, "5-participant")
    answer(dora, {FEB: "passt", MARCH_4: "notfalls", MARCH_16: "passt nicht"})
    dora.get_by_label("Kommentar (freiwillig)").fill("Im März bin ich nur vormittags frei.")
    shot(dora, "6-participant-filled")
    dora.get_by_role("button", name="Antwort senden").click()
    expect(dora.get_by_text("Vielen Dank, Ihre Antwort ist gespeichert.")).to_be_visible()
    expect(dora.get_by_role("group", name=FEB).get_by_label("passt", exact=True)).to_be_checked()
    checked(dora, documents, "participant page answered")
    shot(dora, "7-participant-answered")

    jana = new_page(width=1280)
    jana.goto(poll_link("jana@example.org"))
    expect(jana.get_by_role("group", name=FEB)).to_contain_text("Bisher kann 1 Organisation kommen")
    checked(jana, documents, "participant page")
    shot(jana, "5-participant")
    answer(jana, {FEB: "passt", MARCH_4: "passt", MARCH_16: "passt"})
    jana.get_by_role("button", name="Antwort senden").click()
    expect(jana.get_by_text("Vielen Dank, Ihre Antwort ist gespeichert.")).to_be_visible()
    expect(jana.get_by_role("group", name=FEB)).to_contain_text(
        "Bisher können 2 Organisationen kommen"
    )
    checked(jana, documents, "participant page answered")
    shot(jana, "7-participant-answered")

    # The office reads the results: 10 February is best (two organisations, the core circle
    # complete, nobody "notfalls"); 16 March lacks the core circle.
    staff.goto(f"/geschaeftsstelle/treffen/{meeting.slug}/abstimmung/")
    results = staff.locator("#poll-results")
    expect(results).to_contain_text("Geantwortet: 2 von 3 gefragten Personen")
    expect(results).to_contain_text("Im März bin ich nur vormittags frei.")
    best = results.get_by_role("row", name=re.compile("10. Februar 2027"))
    expect(best).to_contain_text("bester Termin")
    expect(best.get_by_role("cell").first).to_have_text("2")
    expect(results.get_by_role("row", name=re.compile("4. März 2027"))).not_to_contain_text(
        "bester Termin"
    )
    expect(results.get_by_role("row", name=re.compile("16. März 2027"))).to_contain_text(
        "nicht dabei: Diakonie Württemberg"
    )
    expect(results).to_contain_text("1 erreichte Person hat noch nicht geantwortet")
    checked(staff, documents, "poll with results")
    shot(staff, "8-results")
    staff.set_viewport_size({"width": 390, "height": 900})
    shot(staff, "8-results")
    staff.set_viewport_size({"width": 1280, "height": 900})

    # Fix the best date, after the confirmation; the round is pre-filled.
    best.get_by_role("link", name=f"Diesen Termin festlegen {FEB}").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Termin festlegen: {FEB}?")
    expect(staff.get_by_text("Alle Organisationen des Stammkreises können kommen.")).to_be_visible()
    checked(staff, documents, "choose confirmation")
    shot(staff, "9-choose-confirm")
    staff.get_by_role("button", name="Ja, diesen Termin festlegen").click()
    expect(staff).to_have_url(re.compile(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/$"))
    expect(
        staff.get_by_text(
            f"Der Termin steht fest: {FEB}. Alle Gefragten werden benachrichtigt; "
            "3 Personen sind für die Einladungsrunde vorgemerkt."
        )
    ).to_be_visible()
    expect(staff.locator("#progress")).to_contain_text("3 vorgemerkt, noch nicht versandt")
    checked(staff, documents, "round after choosing")
    shot(staff, "10-round")
    assert sorted(
        Invitation.objects.filter(meeting=meeting).values_list("contact__name", "delivery")
    ) == [("Anton Amt", "draft"), ("Dora Diakon", "draft"), ("Jana Jugend", "draft")]

    # The date is told; the feed and the mail's calendar file agree on the event.
    mail.outbox = []
    run_worker()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    decided = [m for m in mail.outbox if m.subject == f"Der Termin steht fest: {TITLE}"]
    assert sorted(m.to[0] for m in decided) == [
        "anton@example.org",
        "dora@example.org",
        "jana@example.org",
    ]
    feed = Client().get("/treffen/kalender.ics")
    assert feed.status_code == 200
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE
    assert event.decoded("DTSTART") == datetime.datetime(
        2027, 2, 10, 14, 0, tzinfo=timezone.get_current_timezone()
    )
    (attachment,) = [a for a in decided[0].attachments if a.mimetype == "text/calendar"]
    (attached,) = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert str(attached["UID"]) == str(event["UID"]) == f"{meeting.uid}@netzwerk"
    assert attached.decoded("DTSTART") == event.decoded("DTSTART")

    assert check_html(documents, tmp_path) == []
