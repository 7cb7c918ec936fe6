"""The office's whole cycle around a meeting, in the browser: build the round (one person per
organisation, a removal), confirm and send, record an answer taken by phone, remind, find the
meeting again from the office's home once it has begun, record attendance, see the archive.
Screenshots of each step go to screenshots/office-cycle/."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Invitation, Meeting
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import run_worker
from tests.factories import (
    ContactPersonFactory,
    MeetingFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def shot(page, name):
    folder = SCREENSHOTS / "office-cycle"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_the_office_runs_a_meeting_from_round_to_archive(
    new_page, staff_user, settings, live_server
):
    settings.SITE_URL = live_server.url
    theme = TopicFactory(name="Arbeit und Ausbildung", slug="arbeit")
    start = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    meeting = MeetingFactory(
        title="Vernetzungstreffen Arbeit",
        theme=theme,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    core = OrganisationFactory(name="Diakonie Württemberg", in_core_circle=True)
    ContactPersonFactory(organisation=core, name="Dora Diakon", is_editor=True)
    ContactPersonFactory(organisation=core, name="Dirk Diakon")
    union = OrganisationFactory(name="Gewerkschaft Bildung")
    union.topics.set([theme])
    ContactPersonFactory(organisation=union, name="Gerd Gewerk", is_editor=True)
    ContactPersonFactory(name="Rita Raus").topics.set([theme])

    staff = new_page(staff_user)
    staff.goto("/geschaeftsstelle/")
    card = staff.locator(".card", has_text="Vernetzungstreffen Arbeit")
    expect(card).to_contain_text("Zu tun: noch nicht eingeladen")
    card.get_by_role("link", name="Vernetzungstreffen Arbeit").click()

    # The round: one person of the core circle's organisation, then one removal.
    staff.get_by_role("link", name="Nur eine Person von Diakonie Württemberg ankreuzen").click()
    expect(staff.get_by_label(re.compile("Dirk Diakon"))).not_to_be_checked()
    staff.get_by_role("button", name="Angekreuzte Personen für die Runde vormerken").click()
    expect(staff.get_by_text("3 Personen für die Runde vorgemerkt")).to_be_visible()
    shot(staff, "1-noted")
    staff.get_by_role("button", name="Rita Raus Aus der Runde nehmen").click()
    expect(staff.get_by_text("Rita Raus wurde aus der Einladungsrunde genommen.")).to_be_visible()

    # Confirm and send.
    staff.get_by_role("link", name="2 Einladungen versenden …").click()
    expect(staff.get_by_text("Sie senden jetzt 2 E-Mails an 2 Organisationen.")).to_be_visible()
    shot(staff, "2-confirm")
    staff.get_by_role("button", name="2 E-Mails jetzt versenden").click()
    run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        Invitation.objects.values_list("contact__email", flat=True)
    )

    # An answer by phone, then a reminder to the other.
    staff.reload()
    staff.get_by_role("link", name="Antwort von Dora Diakon erfassen").click()
    staff.get_by_label("kommt", exact=True).check()
    staff.get_by_role("button", name="Speichern").click()
    expect(staff.get_by_text("Die Antwort von Dora Diakon wurde gespeichert.")).to_be_visible()
    staff.get_by_role("link", name="Eine Person ohne Antwort erinnern").click()
    staff.get_by_role("button", name=re.compile("senden")).click()
    run_worker()
    assert mail.outbox[-1].subject == "Erinnerung: Vernetzungstreffen Arbeit"
    shot(staff, "3-reminded")

    # The meeting has begun: the office finds it from its home and records attendance.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )
    meeting.refresh_from_db()
    meeting.save()  # its derived times follow
    staff.goto("/geschaeftsstelle/")
    card = staff.locator(".card", has_text="Vernetzungstreffen Arbeit")
    expect(card).to_contain_text("Anwesenheit erfassen")
    shot(staff, "4-home-after")
    card.get_by_role("link", name="Teilnahme").click()
    staff.get_by_label(re.compile("Dora Diakon")).check()
    staff.get_by_role("button", name="Anwesenheit speichern").click()
    expect(
        staff.get_by_text("Anwesenheit gespeichert: 1 Person aus 1 Organisation.")
    ).to_be_visible()
    shot(staff, "5-attendance")

    # Over: the archive shows the figure.
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    visitor = new_page()
    visitor.goto("/treffen/archiv/")
    # One person: too few to show publicly without singling them out.
    expect(visitor.get_by_text("weniger als 3 Personen")).to_be_visible()
    shot(visitor, "6-archive")
