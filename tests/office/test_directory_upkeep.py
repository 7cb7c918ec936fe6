"""The office's import pages and its lists of what is stale (issue 16)."""

import datetime
import smtplib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from organisations.models import (
    ContactPerson,
    DirectoryImport,
    EntryCheck,
    Organisation,
    note_address_refused,
)
from organisations.services import confirm_entry
from tests.factories import ContactPersonFactory, OrganisationFactory, TopicFactory
from tests.organisations.test_imports import excel_csv

HEADER = ["Organisation", "Art", "PLZ", "Ort", "Name", "Funktion", "E-Mail", "Telefon", "Themen"]
GOOD = ["Refugio Ulm e.V.", "", "89073", "Ulm", "Ana Alves", "", "ana@refugio.example", "", ""]
WRONG = ["Refugio Ulm", "", "890", "Ulm", "Bo Berg", "", "bo(at)refugio.example", "", "Tanzen"]


def upload(client, rows, name="adressen.csv"):
    data = excel_csv(rows, bom=True)
    return client.post(
        "/geschaeftsstelle/import/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_the_preview_says_what_each_row_would_do_and_writes_nothing(staff, db):
    TopicFactory(name="Asylverfahren")

    response = upload(staff, [HEADER, GOOD, WRONG, GOOD])

    text = response.text
    assert "Vorschau von adressen.csv" in text
    assert "„bo(at)refugio.example“ ist keine E-Mail-Adresse." in text
    assert "PLZ: Bitte geben Sie eine Postleitzahl mit fünf Ziffern ein." in text
    assert "Unbekanntes Thema: „Tanzen“." in text
    assert "Zwei Zeilen für eine Person: ana@refugio.example steht auch in Zeile 2." in text
    assert "1 Zeile importieren" in text
    assert not Organisation.objects.exists() and not ContactPerson.objects.exists()


def test_the_confirmed_import_writes_the_rows_once_and_keeps_no_file(staff, staff_user, db):
    response = upload(staff, [HEADER, GOOD])
    pending = DirectoryImport.objects.get()
    fingerprint = response.context["fingerprint"]

    done = staff.post(
        f"/geschaeftsstelle/import/{pending.pk}/bestaetigen/",
        {"fingerprint": fingerprint},
        follow=True,
    )
    again = staff.post(
        f"/geschaeftsstelle/import/{pending.pk}/bestaetigen/", {"fingerprint": fingerprint}
    )

    assert "Übernommen: 1 Organisation angelegt, 1 Ansprechperson angelegt." in done.text
    assert "1 Zeile übernommen" in done.text  # the earlier imports
    assert again.status_code == 404  # confirmed once
    contact = ContactPerson.objects.get()
    assert contact.visibility == "members" and contact.organisation.name == "Refugio Ulm e.V."
    history = contact.history.get()
    assert history.history_change_reason == "Import: adressen.csv"
    assert history.history_user == staff_user
    pending.refresh_from_db()
    assert bytes(pending.data) == b"" and pending.applied_at is not None


def test_a_confirmation_after_the_directory_changed_is_refused(staff, db):
    response = upload(staff, [HEADER, GOOD])
    pending = DirectoryImport.objects.get()
    # Someone entered the person meanwhile: the row would no longer be new.
    ContactPersonFactory(
        organisation=OrganisationFactory(name="Refugio Ulm"),
        name="Ana Alves",
        email="ana@refugio.example",
    )

    refused = staff.post(
        f"/geschaeftsstelle/import/{pending.pk}/bestaetigen/",
        {"fingerprint": response.context["fingerprint"]},
        follow=True,
    )

    assert "Es wurde nichts übernommen" in refused.text
    assert ContactPerson.objects.count() == 1


def test_the_column_mapping_is_remembered_for_the_next_file(staff, db):
    header = ["Einrichtung", "Wer", "Mail", "Notiz"]
    row = ["Refugio", "Ana Alves", "ana@refugio.example", "kennt uns"]
    upload(staff, [header, row])
    first = DirectoryImport.objects.get()
    assert first.mapping == {"0": "organisation", "2": "email"}  # guessed from the words
    mapping = {"column_0": "organisation", "column_1": "name", "column_2": "email"}
    staff.post(f"/geschaeftsstelle/import/{first.pk}/", {**mapping, "column_3": ""})

    upload(staff, [["Mail", "Einrichtung", "Wer"], row[2::-1]], name="neu.csv")

    second = DirectoryImport.objects.latest("created_at")
    assert second.mapping == {"0": "email", "1": "organisation", "2": "name"}


def test_a_mapping_without_the_organisation_or_with_a_field_twice_is_refused(staff, db):
    upload(staff, [HEADER, GOOD])
    pending = DirectoryImport.objects.get()
    columns = {f"column_{index}": "" for index in range(len(HEADER))}

    none = staff.post(f"/geschaeftsstelle/import/{pending.pk}/", columns)
    twice = staff.post(
        f"/geschaeftsstelle/import/{pending.pk}/",
        columns | {"column_0": "organisation", "column_3": "city", "column_4": "city"},
    )

    assert "Bitte wählen Sie die Spalte, die die Organisation nennt." in none.text
    assert "Jedes Feld kann nur aus einer Spalte gefüllt werden: Ort." in twice.text
    assert 'value="city" selected' in twice.text  # what was chosen stays
    pending.refresh_from_db()
    assert pending.mapping["0"] == "organisation" and pending.mapping.get("4") == "name"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("liste.xlsx", b"not a workbook", "keine Excel-Arbeitsmappe"),
        ("liste.csv", b"Organisation;Name\r\n", "keine Zeilen unter ihrer Kopfzeile"),
        ("liste.csv", b"x" * (5 * 1024 * 1024 + 1), "größer als 5 MB"),
    ],
)
def test_a_file_that_cannot_be_read_is_said_at_the_upload(staff, db, name, data, message):
    response = staff.post("/geschaeftsstelle/import/", {"file": SimpleUploadedFile(name, data)})

    assert response.status_code == 200
    assert message in response.text
    assert not DirectoryImport.objects.exists()


# What is stale


def stale_directory(count: int):
    """`count` organisations, in turn: not confirmed for over a year, with a refused address,
    with nobody to invite, and fine."""
    old = timezone.now() - datetime.timedelta(days=400)
    for number in range(count):
        organisation = OrganisationFactory()
        kind = number % 4
        if kind != 2:  # the third has nobody to invite
            failed = timezone.now() if kind == 1 else None
            ContactPersonFactory(organisation=organisation, address_failed_at=failed)
        if kind == 0:
            Organisation.objects.filter(pk=organisation.pk).update(created_at=old)
        if kind == 3:
            Organisation.objects.filter(pk=organisation.pk).update(
                created_at=old, confirmed_at=timezone.now() - datetime.timedelta(days=number % 300)
            )


def test_the_lists_and_the_counts_on_the_office_home_agree_with_the_directory(staff, db):
    stale_directory(12)
    cutoff = timezone.now() - datetime.timedelta(days=365)
    unconfirmed = Organisation.objects.filter(
        Q(confirmed_at__lt=cutoff) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
    ).count()
    uninvited = Organisation.objects.exclude(contacts__receives_invitations=True).distinct().count()

    home = staff.get("/geschaeftsstelle/").text
    listed = staff.get("/geschaeftsstelle/aktualitaet/").text

    assert (unconfirmed, uninvited) == (3, 3)
    assert "3 Einträge seit über einem Jahr nicht bestätigt" in home
    assert "3 Adressen prüfen" in home
    assert "3 Organisationen, von denen niemand eingeladen wird" in home
    assert listed.count("</span> Jetzt fragen") == 3
    assert "nie" in listed


# One row on each list (four organisations), and 2,000 organisations.
@pytest.mark.parametrize("organisations", [4, 2000])
def test_the_stale_lists_query_counts_are_fixed(django_assert_num_queries, staff, organisations):
    stale_directory(organisations)
    staff.get("/geschaeftsstelle/aktualitaet/")  # the figures are kept
    for name in ("unbestaetigt", "adressen", "ohne-einladung"):
        # 1 session, 2 user, 3 the second factor, 4 the latest login and 5 the directory's
        # latest change (the figures' key), 6 the kept figures, 7 the page's rows and 8 their
        # number (paginated)
        with django_assert_num_queries(8):
            staff.get(f"/geschaeftsstelle/aktualitaet/?liste={name}")


def test_the_kept_figures_follow_confirmations_refusals_and_logins(staff, member_contact):
    stale_directory(4)
    unconfirmed = Organisation.objects.unconfirmed().get()
    home = staff.get("/geschaeftsstelle/").text
    assert "1 Eintrag seit über einem Jahr nicht bestätigt" in home
    assert "1 Adresse prüfen" in home
    contacts = ContactPerson.objects.select_related("user")
    without = sum(1 for c in contacts if c.user is None or c.user.last_login is None)
    assert f"{without} Ansprechpersonen ohne genutzten Zugang" in home

    check = EntryCheck.objects.create(
        organisation=unconfirmed, contact=unconfirmed.contacts.first()
    )
    confirm_entry(check=check)
    assert "0 Einträge seit über einem Jahr" in staff.get("/geschaeftsstelle/").text
    note_address_refused([member_contact.pk], smtplib.SMTPRecipientsRefused({}))
    assert "2 Adressen prüfen" in staff.get("/geschaeftsstelle/").text
    user = member_contact.user
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    home = staff.get("/geschaeftsstelle/").text
    assert f"{without - 1} Ansprechpersonen ohne genutzten Zugang" in home
