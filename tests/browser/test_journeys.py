"""The journeys of a visitor, a member, an editor and staff, as each of them would click."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from organisations.models import ContactPerson
from tests.conftest import run_worker
from tests.factories import (
    PASSWORD,
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def directory(org_a, org_b, member_contact, editor_contact, outsider_contact):
    org_a.description = "Migrationsdienst in Stuttgart."
    org_a.save()
    OrganisationFactory(name="Ärztinnen und Ärzte für Flüchtlinge", city="Tübingen")
    OrganisationFactory(name="Geschlossener Kreis", listed_publicly=False)
    return org_a


def log_in(page, email, password=PASSWORD):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_visitor_browses_the_directory(new_page, directory, member_contact):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Netzwerk")

    page.get_by_role("link", name="Zum Verzeichnis").click()
    expect(page.get_by_text("3 Organisationen")).to_be_visible()
    expect(page.get_by_text("Geschlossener Kreis")).to_have_count(0)

    page.get_by_role("link", name="Caritas Stuttgart").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caritas Stuttgart")
    expect(page.get_by_text("Migrationsdienst in Stuttgart.")).to_be_visible()
    expect(page.get_by_text("nur für Mitglieder des Netzwerks sichtbar")).to_be_visible()
    assert member_contact.email not in page.content()


def test_visitor_finds_a_meeting_and_subscribes(new_page, db):
    year = timezone.now().year + 1
    youth = TopicFactory(name="Kinder und Jugendliche", slug="kinder-und-jugendliche")
    MeetingFactory(
        title="Vernetzungstreffen Kinder und Jugendliche",
        theme=youth,
        status=Meeting.Status.ANNOUNCED,
        starts_at=None,
        ends_at=None,
        period_year=year,
        period_quarter=1,
    )
    MeetingFactory(
        title="Vernetzungstreffen Aufenthalt",
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30, hours=-3),
        participants_count=24,
        organisations_count=21,
    )
    page = new_page()
    page.goto("/")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Treffen"
    ).click()
    page.get_by_label("Thema").select_option("kinder-und-jugendliche")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("link", name="Vernetzungstreffen Kinder und Jugendliche").click()

    expect(page.get_by_text(f"geplant für das 1. Quartal {year}")).to_be_visible()
    feed = page.get_by_label("Adresse zum Abonnieren").input_value()
    assert feed.endswith("/treffen/kalender.ics?thema=kinder-und-jugendliche")
    assert page.request.get(feed).headers["content-type"] == "text/calendar; charset=utf-8"

    page.get_by_role("link", name="Alle Treffen").click()
    page.get_by_role("link", name="Vergangene Treffen").click()
    expect(page.get_by_text("24 Personen aus 21 Organisationen")).to_be_visible()


def test_member_logs_in_with_password_and_searches_live(new_page, directory):
    page = new_page()
    log_in(page, "mitglied@example.org")

    page.get_by_role("link", name="Organisationen").click()
    expect(page.get_by_text("4 Organisationen")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Suche").press_sequentially("ärzte", delay=40)

    expect(page.get_by_text("1 Organisation", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ärztinnen und Ärzte für Flüchtlinge")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the results in place
    assert "q=%C3%A4rzte" in page.url  # and the address can be shared

    page.get_by_label("Stammkreis").select_option("nein")
    expect(page.get_by_text("1 Organisation", exact=True)).to_be_visible()
    page.get_by_label("Suche").fill("")
    page.get_by_label("Suche").press_sequentially("mira", delay=40)  # a contact person's name
    expect(page.get_by_role("link", name="Caritas Stuttgart")).to_be_visible()


def test_member_searches_without_javascript(new_page, directory, member_contact):
    page = new_page(member_contact.user, javascript=False)
    page.goto("/organisationen/")

    page.get_by_label("Suche").fill("ÄRZTE")
    page.get_by_role("button", name="Ergebnisse anzeigen").click()

    expect(page.get_by_text("1 Organisation", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ärztinnen und Ärzte für Flüchtlinge")).to_be_visible()
    expect(page.get_by_label("Suche")).to_have_value("ÄRZTE")


def test_member_logs_in_with_a_code_from_the_mail(new_page, directory):
    page = new_page()
    page.goto("/konto/login/")
    page.get_by_role("link", name="Anmeldecode per E-Mail senden").click()
    page.get_by_label("E-Mail-Adresse").fill("mitglied@example.org")
    page.get_by_role("button", name="Code anfordern").click()

    expect(page.get_by_text("Ein Anmeldecode wurde an mitglied@example.org")).to_be_visible()
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[-1].body).group(0)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Bestätigen").click()

    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_editor_corrects_a_mistake_and_saves(new_page, directory, member_contact):
    page = new_page()
    log_in(page, "redaktion@example.org")
    page.goto(f"/organisationen/{directory.slug}/")
    page.get_by_role("link", name="Profil bearbeiten").click()
    page.get_by_label("Beschreibung").fill("Beratung für junge Geflüchtete.")
    page.get_by_label("Allgemeine Telefonnummer").fill("bitte anrufen")
    page.get_by_role("button", name="Speichern").click()

    expect(page.locator(".error-summary")).to_contain_text("Telefonnummer nur mit Ziffern")
    expect(page.get_by_label("Beschreibung")).to_have_value("Beratung für junge Geflüchtete.")
    page.get_by_label("Allgemeine Telefonnummer").fill("+49 711 22 33 44")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Profil wurde gespeichert.")).to_be_visible()
    expect(page.get_by_text("Beratung für junge Geflüchtete.")).to_be_visible()

    # A colleague's entry has a page of its own.
    page.get_by_role("link", name="Mira Mitglied bearbeiten").click()
    phone = page.get_by_label("Telefonnummer")
    phone.fill("bitte anrufen")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Telefonnummer nur mit Ziffern").first).to_be_visible()
    expect(phone).to_have_value("bitte anrufen")
    phone.fill("+49 711 22 33 44")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_text("Der Kontakteintrag wurde gespeichert.")).to_be_visible()
    member_contact.refresh_from_db()
    assert member_contact.phone == "+49 711 22 33 44"


def test_staff_invite_a_contact_who_sets_a_password(
    new_page, directory, staff_user, settings, live_server
):
    settings.SITE_URL = live_server.url  # links in mails point to the site
    invitee = ContactPersonFactory(
        organisation=directory, name="Ines Neu", email="ines@example.org"
    )
    staff = new_page(staff_user)
    staff.goto("/geschaeftsstelle/zugaenge/")
    staff.get_by_role("row", name=re.compile("Ines Neu")).get_by_role("button").click()
    expect(staff.get_by_text("Ines Neu wurde zu einem Zugang eingeladen.")).to_be_visible()
    assert mail.outbox == []  # the worker sends it
    run_worker()

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    person = new_page()
    person.goto(link)
    person.get_by_label("Neues Passwort", exact=True).fill("unser netzwerk trifft sich")
    person.get_by_label("Neues Passwort (Wiederholung)").fill("unser netzwerk trifft sich")
    person.get_by_role("button", name="Passwort speichern").click()

    expect(person.get_by_role("button", name="Abmelden")).to_be_visible()
    expect(person.get_by_text("Erfolgreich als Ines Neu angemeldet.")).to_be_visible()
    assert ContactPerson.objects.get(pk=invitee.pk).user.email == "ines@example.org"


def test_an_invitee_proposes_a_substitute_and_the_office_invites_them(
    new_page, directory, staff_user, member_contact, settings, live_server
):
    settings.SITE_URL = live_server.url
    meeting = MeetingFactory(title="Vernetzungstreffen Arbeit")
    invitation = InvitationFactory(meeting=meeting, contact=member_contact)
    invitee = new_page(width=390)
    invitee.goto(f"/einladung/{invitation.token}/")
    invitee.get_by_label("Name der Vertretung").fill("Lena Vogt")
    invitee.get_by_label("E-Mail-Adresse der Vertretung").fill("lena.vogt@example.org")
    invitee.get_by_role("button", name="Der Geschäftsstelle vorschlagen").click()
    expect(invitee.get_by_text("Die Geschäftsstelle prüft Ihren Vorschlag")).to_be_visible()
    expect(invitee.get_by_text("Sie haben Lena Vogt als Vertretung vorgeschlagen.")).to_be_visible()
    assert not ContactPerson.objects.filter(email="lena.vogt@example.org").exists()

    staff = new_page(staff_user)
    staff.goto(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/")
    proposals = staff.get_by_role("region", name="Vorgeschlagene Vertretungen")
    expect(proposals.get_by_text("lena.vogt@example.org")).to_be_visible()
    proposals.get_by_role("button", name="Lena Vogt Einladen").click()

    expect(
        staff.get_by_text("Lena Vogt ist eingeladen; die Einladung wird versandt.")
    ).to_be_visible()
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["lena.vogt@example.org"]
    stand_in = ContactPerson.objects.get(email="lena.vogt@example.org")
    assert stand_in.organisation == member_contact.organisation
