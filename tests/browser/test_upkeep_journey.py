"""Keeping the directory current (issue 16), as people click it: the office imports its address
list, reads the preview with the row that has a mistake, fixes the file and imports it; an
editor opens the yearly check from the link in the mail, confirms the entry and corrects a
phone number; the office looks at its upkeep lists and asks an organisation again. Screenshots
at 390 and 1280 px go to screenshots/upkeep/; axe and the Nu HTML checker look at every page
visited."""

import datetime
import re
from functools import partial

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import ContactPerson, DirectoryImport, EntryCheck, Organisation
from organisations.services import ask_for_check
from tests.browser.conftest import WIDTHS, check_html, checked, screenshot
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = "Organisation;Art;Straße;PLZ;Ort;Name;Funktion;E-Mail;Telefon;Themen"
ROWS = [
    "Flüchtlingshilfe Böblingen e.V.;Initiative;Bahnhofstraße 12;71032;Böblingen;"
    "Jörg Müller;Koordination;joerg.mueller@example.org;07031 123456;Gesundheit",
    "Flüchtlingshilfe Böblingen e.V.;Initiative;Bahnhofstraße 12;71032;Böblingen;"
    "Nora Özdemir;Beratung;{nora};07031 654321;Arbeit",
    "Psychosoziales Zentrum Ulm;Beratungsstelle;Münsterplatz 3;89073;Ulm;"
    "Björn Weiß;Psychotherapie;bjoern.weiss@example.org;0731 987654;Gesundheit, Arbeit",
]


def address_list(nora: str) -> bytes:
    """The list as Excel saves "CSV (Trennzeichen-getrennt)" on Windows: Windows-1252,
    semicolons, CRLF."""
    lines = [HEADER, *(row.format(nora=nora) for row in ROWS)]
    return "\r\n".join(lines).encode("cp1252") + b"\r\n"


shot = partial(screenshot, folder="upkeep")


def upload(page, file_name: str, data: bytes):
    page.get_by_label("Adressliste (CSV oder Excel)").set_input_files(
        files=[{"name": file_name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Hochladen und Vorschau zeigen").click()
    page.wait_for_url(re.compile(r"/geschaeftsstelle/import/\d+/$"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_imports_a_list_and_fixes_the_file(new_page, staff_user, width, tmp_path):
    TopicFactory(name="Gesundheit", slug="gesundheit")
    TopicFactory(name="Arbeit", slug="arbeit")
    documents = {}

    page = new_page(staff_user, width=width)
    page.goto("/geschaeftsstelle/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresslisten importieren")
    checked(page, documents, "import upload")
    shot(page, "1-import-upload")

    # The file with a mistake: an address written as "nora(at)example.org".
    upload(page, "adressen.csv", address_list("nora(at)example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorschau von adressen.csv")
    expect(page.get_by_text("Noch ist nichts gespeichert.")).to_be_visible()
    stats = page.locator("ul.stats")
    expect(stats.get_by_role("link", name="1 mit Fehler")).to_be_visible()
    expect(stats.get_by_role("link", name="2 neu")).to_be_visible()
    expect(stats.get_by_role("link", name="0 Dubletten")).to_be_visible()
    error_row = page.get_by_role("row", name=re.compile("Nora Özdemir"))
    expect(error_row).to_contain_text("Fehler")
    expect(error_row).to_contain_text("„nora(at)example.org“ ist keine E-Mail-Adresse.")
    expect(page.get_by_role("row", name=re.compile("Jörg Müller"))).to_contain_text("neu")
    expect(page.get_by_role("button", name="2 Zeilen importieren")).to_be_visible()
    checked(page, documents, "preview with an error")
    shot(page, "2-import-preview-error")

    # Only the preview so far: nothing is in the directory.
    assert not Organisation.objects.filter(name__startswith="Flüchtlingshilfe").exists()
    assert not Organisation.objects.filter(name="Psychosoziales Zentrum Ulm").exists()
    assert not ContactPerson.objects.exists()
    assert DirectoryImport.objects.get().applied_at is None

    # The office corrects the file and uploads it again.
    page.get_by_role("link", name="Adresslisten importieren").click()
    page.wait_for_url("**/geschaeftsstelle/import/")
    upload(page, "adressen-korrigiert.csv", address_list("nora.oezdemir@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vorschau von adressen-korrigiert.csv"
    )
    stats = page.locator("ul.stats")
    expect(stats.get_by_role("link", name="0 mit Fehler")).to_be_visible()
    expect(stats.get_by_role("link", name="3 neu")).to_be_visible()
    expect(page.locator(".pill--import-error")).to_have_count(0)
    expect(page.get_by_text("ist keine E-Mail-Adresse")).to_have_count(0)
    checked(page, documents, "preview without errors")
    shot(page, "3-import-preview-fixed")
    page.get_by_role("button", name="3 Zeilen importieren").click()

    page.wait_for_url("**/geschaeftsstelle/import/")
    expect(
        page.get_by_text("Übernommen: 2 Organisationen angelegt, 3 Ansprechpersonen")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("adressen-korrigiert.csv"))).to_contain_text(
        "3 Zeilen übernommen"
    )
    checked(page, documents, "imported")
    shot(page, "4-imported")

    boeblingen = Organisation.objects.get(name="Flüchtlingshilfe Böblingen e.V.")
    ulm = Organisation.objects.get(name="Psychosoziales Zentrum Ulm")
    assert (boeblingen.kind, boeblingen.street, boeblingen.postcode, boeblingen.city) == (
        "initiative",
        "Bahnhofstraße 12",
        "71032",
        "Böblingen",
    )
    assert ulm.kind == "counselling"
    assert sorted(ulm.topics.values_list("name", flat=True)) == ["Arbeit", "Gesundheit"]
    people = {contact.email: contact for contact in ContactPerson.objects.all()}
    assert sorted(people) == [
        "bjoern.weiss@example.org",
        "joerg.mueller@example.org",
        "nora.oezdemir@example.org",
    ]
    nora = people["nora.oezdemir@example.org"]
    assert (nora.name, nora.role, nora.phone, nora.organisation) == (
        "Nora Özdemir",
        "Beratung",
        "07031 654321",
        boeblingen,
    )
    assert people["bjoern.weiss@example.org"].organisation == ulm
    # Imported persons are shown to members, never publicly (they have not agreed to it).
    assert {contact.visibility for contact in people.values()} == {"members"}
    assert DirectoryImport.objects.get(file_name="adressen-korrigiert.csv").applied_at
    assert check_html(documents, tmp_path) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_editor_confirms_the_entry_and_corrects_a_phone_number(
    new_page, org_a, editor_contact, width, tmp_path, django_capture_on_commit_callbacks
):
    colleague = ContactPersonFactory(
        organisation=org_a, name="Jonas Berger", role="Beratung", phone="+49 711 123456"
    )
    with django_capture_on_commit_callbacks(execute=True):
        (check,) = ask_for_check(organisation=org_a, not_since=datetime.timedelta(days=1))
    assert check.contact == editor_contact  # the editor is asked, not every contact person
    # The test settings use the database task backend: the worker sends the mail.
    run_worker()
    (message,) = mail.outbox
    assert message.to == [editor_contact.email]
    path = re.search(r"/eintrag/[^/\s]+/", message.body).group(0)
    documents = {}

    page = new_page(width=width)  # the link works without an account
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ist Ihr Eintrag noch aktuell?")
    expect(page.get_by_text("Guten Tag Erika Redaktion")).to_be_visible()
    checked(page, documents, "check")
    shot(page, "5-check")
    page.get_by_role("button", name="Alles aktuell").click()

    expect(page.get_by_text("Vielen Dank: Der Eintrag ist als aktuell bestätigt.")).to_be_visible()
    org_a.refresh_from_db()
    assert org_a.confirmed_at is not None
    assert EntryCheck.objects.get(pk=check.pk).confirmed_at is not None
    expect(page.get_by_text("Sie haben den Eintrag am")).to_be_visible()
    expect(page.get_by_role("button", name="Alles aktuell")).to_have_count(0)
    checked(page, documents, "check confirmed")
    shot(page, "6-check-confirmed")

    page.get_by_role("link", name="Jonas Berger Korrigieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jonas Berger bearbeiten")
    phone = page.get_by_label("Telefonnummer")
    expect(phone).to_have_value("+49 711 123456")
    checked(page, documents, "check contact")
    shot(page, "7-check-contact")
    phone.fill("+49 711 98 76 54")
    page.get_by_role("button", name="Speichern").click()

    page.wait_for_url(f"**{path}")
    expect(page.get_by_text("Die Änderungen wurden gespeichert.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Jonas Berger")).to_contain_text(
        "+49 711 98 76 54"
    )
    checked(page, documents, "check after the correction")
    shot(page, "8-check-corrected")
    colleague.refresh_from_db()
    assert colleague.phone == "+49 711 98 76 54"
    assert colleague.history.first().history_change_reason == "Jährliche Prüfung"
    assert check_html(documents, tmp_path) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_reads_its_upkeep_lists_and_asks_again(new_page, staff_user, width, tmp_path):
    long_ago = timezone.now() - datetime.timedelta(days=500)
    stale = OrganisationFactory(name="Arbeitskreis Asyl Esslingen")
    ContactPersonFactory(organisation=stale, name="Hanna Keller", email="hanna@example.org")
    Organisation.objects.filter(pk=stale.pk).update(created_at=long_ago, confirmed_at=long_ago)
    refused = OrganisationFactory(name="Café International Reutlingen")
    ContactPersonFactory(
        organisation=refused,
        name="Paul Schubert",
        email="paul@example.org",
        address_failed_at=timezone.now(),
        address_error="SMTPRecipientsRefused: 550 5.1.1 user unknown",
    )
    documents = {}

    page = new_page(staff_user, width=width)
    page.goto("/geschaeftsstelle/aktualitaet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Das Verzeichnis aktuell halten")
    expect(
        page.get_by_role("link", name="Seit über einem Jahr nicht bestätigt (1)")
    ).to_have_attribute("aria-current", "page")
    row = page.get_by_role("row", name=re.compile("Arbeitskreis Asyl Esslingen"))
    checked(page, documents, "unconfirmed")
    shot(page, "9-stale-unconfirmed")
    row.get_by_role("button", name="Arbeitskreis Asyl Esslingen Jetzt fragen").click()

    expect(
        page.get_by_text(
            "Arbeitskreis Asyl Esslingen wird gefragt: Die E-Mail geht an Hanna Keller."
        )
    ).to_be_visible()
    expect(row).to_contain_text("angefragt am")
    checked(page, documents, "asked again")
    shot(page, "10-stale-asked")
    assert EntryCheck.objects.get(organisation=stale).reminder

    page.get_by_role("link", name="Adressen prüfen (1)").click()
    row = page.get_by_role("row", name=re.compile("Paul Schubert"))
    expect(row).to_contain_text("550 5.1.1 user unknown")
    checked(page, documents, "refused addresses")
    shot(page, "11-stale-addresses")
    assert check_html(documents, tmp_path) == []
