"""The directory and the public pages as people use them: a visitor asks to take part and the
office accepts; a member finds a person by topic; an editor adds a colleague with a mistake and
fixes it from the error summary, by keyboard. Screenshots at 390 and 1280 px go to
screenshots/directory/; axe and the Nu HTML checker look at the states in between."""

from functools import partial

import pytest
from playwright.sync_api import expect

from meetings.models import Invitation, ParticipationRequest
from organisations.models import ContactPerson
from tests.browser.conftest import WIDTHS, check_html, checked, run_axe, screenshot
from tests.browser.test_keyboard import tab_to
from tests.factories import ContactPersonFactory, MeetingFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


shot = partial(screenshot, folder="directory")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_asks_to_take_part_and_the_office_accepts(new_page, staff_user, width, tmp_path):
    meeting = MeetingFactory(title="Vernetzungstreffen Familiennachzug")
    documents = {}

    visitor = new_page(width=width)
    visitor.goto(meeting.get_absolute_url())
    visitor.get_by_role("link", name="Teilnahme anfragen").click()
    visitor.get_by_label("Ihr Name").fill("Rana Yousef")
    visitor.get_by_label("Organisation oder Initiative").fill("Initiative Willkommen Tübingen")
    visitor.get_by_label("Ihre E-Mail-Adresse").fill("rana@example.org")
    visitor.get_by_label("Nachricht").fill("Wir begleiten Familien beim Familiennachzug.")
    visitor.get_by_role("button", name="Anfrage senden").click()  # consent not given yet

    summary = visitor.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bitte stimmen Sie zu")
    expect(visitor.get_by_label("Nachricht")).to_have_value(
        "Wir begleiten Familien beim Familiennachzug."
    )
    checked(visitor, documents, "request with an error")
    shot(visitor, "1-request-error")
    visitor.get_by_label("Ich bin einverstanden").check()
    visitor.get_by_role("button", name="Anfrage senden").click()
    expect(visitor.get_by_text("Ihre Anfrage ist bei der Geschäftsstelle")).to_be_visible()
    shot(visitor, "2-request-sent")

    staff = new_page(staff_user, width=width)
    staff.goto("/geschaeftsstelle/")
    expect(staff.locator(".card", has_text=meeting.title)).to_contain_text(
        "1 Anfrage zur Teilnahme"
    )
    staff.get_by_role("link", name=meeting.title).click()
    requests = staff.locator("section", has_text="Anfragen zur Teilnahme")
    expect(requests).to_contain_text("Wir begleiten Familien beim Familiennachzug.")
    checked(staff, documents, "round with a request")
    shot(staff, "3-round-request")
    requests.get_by_role("link", name="Als Gast einladen Rana Yousef").click()
    expect(staff.get_by_label("Oder eine neue Organisation")).to_have_value(
        "Initiative Willkommen Tübingen"
    )
    checked(staff, documents, "accept a request")
    staff.get_by_role("button", name="Zur Einladungsrunde hinzufügen").click()
    expect(staff.get_by_text("Rana Yousef wurde zur Einladungsrunde hinzugefügt")).to_be_visible()
    shot(staff, "4-accepted")

    invitation = Invitation.objects.get(contact__email="rana@example.org")
    assert (invitation.reason, invitation.delivery) == ("staff", "draft")
    assert not ParticipationRequest.objects.exists()
    assert check_html(documents, tmp_path) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_finds_a_person_by_topic(new_page, member_contact, width, tmp_path):
    health = TopicFactory(name="Gesundheit", slug="gesundheit")
    TopicFactory(name="Arbeit", slug="arbeit")
    # Her organisation is not tagged with the topic; she is.
    clinic = OrganisationFactory(name="Refugio Stuttgart")
    amina = ContactPersonFactory(organisation=clinic, name="Amina Rahimi", role="Psychotherapie")
    amina.topics.set([health])
    ContactPersonFactory(organisation=clinic, name="Jonas Berger", role="Verwaltung")
    hidden = ContactPersonFactory(organisation=clinic, name="Verena Verborgen", visibility="staff")
    hidden.topics.set([health])

    page = new_page(member_contact.user, width=width)
    page.goto("/organisationen/")
    page.get_by_role("link", name="Personen finden").click()
    page.get_by_label("Themenfeld").select_option(label="Gesundheit")
    page.get_by_role("button", name="Ergebnisse anzeigen").click()

    results = page.locator("#results")
    expect(results).to_contain_text("1 Person")
    expect(results).to_contain_text("Amina Rahimi")
    expect(results).to_contain_text("Refugio Stuttgart")
    expect(results).not_to_contain_text("Verena Verborgen")  # kept for the office
    expect(results).not_to_contain_text("Jonas Berger")
    assert run_axe(page) == []
    shot(page, "5-people-by-topic")
    page.get_by_role("link", name="Refugio Stuttgart").click()
    expect(page.get_by_role("heading", name="Refugio Stuttgart")).to_be_visible()
    assert check_html({"people": page.content()}, tmp_path) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_editor_fixes_a_new_colleague_from_the_error_summary_by_keyboard(
    new_page, org_a, editor_contact, width, tmp_path
):
    page = new_page(editor_contact.user, width=width)
    page.goto(f"/organisationen/{org_a.slug}/")

    tab_to(page, page.get_by_role("link", name="Ansprechperson hinzufügen"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/ansprechpersonen/neu/")
    tab_to(page, page.get_by_label("Name", exact=True))
    page.keyboard.type("Selin Demir")
    tab_to(page, page.get_by_label("Rolle oder Funktion"))
    page.keyboard.type("Beratung für Frauen")
    tab_to(page, page.get_by_label("E-Mail-Adresse"))
    page.keyboard.type("selin.demir@")  # a mistake
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("E-Mail-Adresse: Bitte gültige E-Mail-Adresse eingeben.")
    assert run_axe(page) == []
    html = page.content()
    shot(page, "6-colleague-error")
    tab_to(page, summary.get_by_role("link", name="E-Mail-Adresse: Bitte gültige"))
    page.keyboard.press("Enter")
    email = page.get_by_label("E-Mail-Adresse")
    expect(email).to_be_focused()
    expect(page.get_by_label("Rolle oder Funktion")).to_have_value("Beratung für Frauen")
    page.keyboard.press("End")
    page.keyboard.type("caritas.example.org")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Selin Demir wurde hinzugefügt")).to_be_visible()
    shot(page, "7-colleague-added")
    added = ContactPerson.objects.get(email="selin.demir@caritas.example.org")
    assert added.organisation == org_a and added.account_state == "new"
    assert check_html({"colleague with an error": html}, tmp_path) == []
