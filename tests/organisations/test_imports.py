"""Reading the office's lists and judging each row (organisations/imports.py, issue 16): files
as Excel writes them, made here; nothing is written."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from organisations.imports import guess_mapping, judge, organisation_key, read_table
from organisations.models import ContactPerson, Organisation, SuppressedAddress, Topic
from tests.factories import ContactPersonFactory, OrganisationFactory

HEADER = ["Organisation", "Art", "PLZ", "Ort", "Name", "Funktion", "E-Mail", "Telefon"]
ROWS = [
    ["Caritasverband Stuttgart e.V.", "", "70173", "Stuttgart", "Jürgen Weiß", "Beratung",
     "j.weiss@caritas.example", "0711 1"],
    ["Neue Initiative Ulm", "", "89073", "Ulm", "Zoë Öztürk", "", "zoe@ini.example", ""],
    ["", "", "", "", "Ohne Organisation", "", "x@y.example", ""],
    ["Refugio", "", "", "", "Ana", "", "keine-adresse", ""],
]  # fmt: skip


def excel_csv(rows, encoding="cp1252", delimiter=";", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx(rows, merged_header=False) -> bytes:
    book = Workbook()
    sheet = book.active
    if merged_header:  # a title row over two columns, then the real header
        sheet.append(["Adressliste Stand März", None])
        sheet.merge_cells("A1:B1")
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
        sheet.append([None] * len(row))  # empty rows, as lists have them
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        excel_csv([HEADER, *ROWS]),  # Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, ;
        excel_csv([HEADER, *ROWS], encoding="utf-8", bom=True),  # "CSV UTF-8", with a BOM
        excel_csv([HEADER, *ROWS], encoding="utf-8", delimiter=","),
    ],
    ids=["cp1252-semicolon", "utf8-bom", "utf8-comma"],
)
def test_csv_as_excel_writes_it_reads_the_same(data):
    rows = read_table(data, "liste.csv")

    assert rows[0] == HEADER
    assert rows[1][4] == "Jürgen Weiß" and rows[2][4] == "Zoë Öztürk"
    assert len(rows) == 5


def test_xlsx_with_merged_cells_and_empty_rows():
    rows = read_table(xlsx([HEADER, *ROWS], merged_header=True), "liste.xlsx")

    assert rows[0] == ["Adressliste Stand März", "Adressliste Stand März", *[""] * 6]
    assert rows[1] == HEADER
    assert rows[2][2] == "70173"  # a postcode Excel holds as a number, as text
    assert len(rows) == 6  # the empty rows left out


def test_files_that_cannot_be_read_say_so():
    with pytest.raises(ValidationError, match="keine Excel-Arbeitsmappe"):
        read_table(b"not a workbook", "liste.xlsx")
    with pytest.raises(ValidationError, match="keine Zeilen unter ihrer Kopfzeile"):
        read_table(excel_csv([HEADER]), "liste.csv")


def test_the_header_words_of_the_office_map_to_fields():
    assert guess_mapping(HEADER) == {
        0: "organisation",
        1: "kind",
        2: "postcode",
        3: "city",
        4: "name",
        5: "role",
        6: "email",
        7: "phone",
    }


def test_organisation_names_compare_without_case_spaces_and_ev():
    assert organisation_key("Caritasverband  Stuttgart e.V.") == organisation_key(
        "caritasverband stuttgart"
    )
    assert organisation_key("AWO e. V. Ulm") == organisation_key("AWO Ulm")
    assert organisation_key("Evangelische Gesellschaft") != organisation_key("Gesellschaft")


def test_each_row_is_judged_with_its_reason_and_nothing_is_written(db):
    caritas = OrganisationFactory(
        name="Caritasverband Stuttgart", postcode="70173", city="Stuttgart"
    )
    ContactPersonFactory(
        organisation=caritas, name="Jürgen Weiß", role="Beratung", email="J.Weiss@caritas.example",
        phone="0711 1",
    )  # fmt: skip
    SuppressedAddress.add("zoe@ini.example")
    rows = [
        HEADER,
        *ROWS,
        ["Caritasverband Stuttgart", "", "70173", "Stuttgart", "Jürgen Weiß", "Leitung",
         "j.weiss@caritas.example", "0711 1"],
        ["Refugio", "Sportverein", "", "", "Bo", "", "bo@refugio.example", ""],
    ]  # fmt: skip
    before = (Organisation.objects.count(), ContactPerson.objects.count())

    judged = judge(rows, guess_mapping(HEADER))

    assert [row.status for row in judged] == [
        "unchanged",  # the same person at the same organisation ("e.V." and case aside)
        "new",
        "error",
        "error",
        "duplicate",  # the same address as row 2, another role
        "error",
    ]
    reasons = {row.number: " ".join(row.reasons + row.notes) for row in judged}
    assert "steht auf der Sperrliste" in reasons[3]  # imported, but never invited
    assert "Der Name der Organisation fehlt." in reasons[4]
    assert "„keine-adresse“ ist keine E-Mail-Adresse." in reasons[5]
    assert "Zwei Zeilen für eine Person" in reasons[6] and "Zeile 2" in reasons[6]
    assert "Unbekannte Art der Organisation: „Sportverein“." in reasons[7]
    assert (Organisation.objects.count(), ContactPerson.objects.count()) == before


def test_judging_two_thousand_rows_takes_a_few_queries(db):
    OrganisationFactory(name="Caritasverband Stuttgart")
    rows = [HEADER] + [
        [
            f"Organisation {n // 10}",
            "",
            "70173",
            "Stuttgart",
            f"Person {n}",
            "",
            f"p{n}@x.example",
            "",
        ]
        for n in range(2000)
    ]
    data = excel_csv(rows)

    with CaptureQueriesContext(connection) as queries:
        judged = judge(read_table(data, "gross.csv"), guess_mapping(HEADER))

    assert len(judged) == 2000 and {row.status for row in judged} == {"new"}
    # topics, regions, organisations with their topics and regions, persons with their
    # organisation, the suppression list
    assert len(queries) == 7


def test_the_confirmed_import_writes_new_and_changed_rows_in_one_go_with_history(db, staff_user):
    from organisations.imports import apply_import

    caritas = OrganisationFactory(
        name="Caritasverband Stuttgart", postcode="70173", city="Stuttgart"
    )
    ContactPersonFactory(organisation=caritas, name="Jürgen Weiß", email="j.weiss@caritas.example")
    SuppressedAddress.add("zoe@ini.example")
    rows = [
        HEADER,
        ["Caritasverband Stuttgart e.V.", "", "70174", "Stuttgart", "Jürgen Weiß", "Leitung",
         "J.Weiss@caritas.example", ""],
        ["Neue Initiative Ulm", "Initiative", "89073", "Ulm", "Zoë Öztürk", "",
         "zoe@ini.example", ""],
        ["Neue Initiative Ulm", "", "", "", "Max Muster", "", "max@ini.example", ""],
        ["", "", "", "", "Ohne Organisation", "", "x@y.example", ""],
    ]  # fmt: skip
    judged = judge(rows, guess_mapping(HEADER))

    counts = apply_import(judged, user=staff_user, file_name="adressen.csv")

    assert counts == {
        "organisations created": 1,
        "organisations changed": 1,
        "contact persons created": 2,
        "contact persons changed": 1,
    }
    caritas.refresh_from_db()
    assert caritas.postcode == "70174"
    ulm = Organisation.objects.get(name="Neue Initiative Ulm")
    assert ulm.kind == "initiative" and ulm.contacts.count() == 2  # one organisation, two rows
    zoe = ContactPerson.objects.get(email="zoe@ini.example")
    assert not zoe.receives_invitations  # the suppression list holds
    assert zoe.visibility == ContactPerson.Visibility.MEMBERS  # no consent to public display
    history = caritas.history.latest()
    assert history.history_change_reason == "Import: adressen.csv"
    assert history.history_user == staff_user
    assert not ContactPerson.objects.filter(email="x@y.example").exists()  # the error row
    # Judged again, the file changes nothing more.
    assert {row.status for row in judge(rows, guess_mapping(HEADER))} == {"unchanged", "error"}


def test_an_import_that_fails_midway_writes_nothing(db, staff_user, monkeypatch):
    from organisations import imports

    rows = [HEADER] + [
        [f"Organisation {n}", "", "", "", f"Person {n}", "", f"p{n}@x.example", ""]
        for n in range(5)
    ]
    judged = judge(rows, guess_mapping(HEADER))
    saved = []

    def failing_on_the_fourth(instance, user, reason):
        if len(saved) == 3:
            raise RuntimeError("the database went away")
        saved.append(instance)
        instance.save()

    monkeypatch.setattr(imports, "save_with_history", failing_on_the_fourth)
    with pytest.raises(RuntimeError):
        imports.apply_import(judged, user=staff_user, file_name="x.csv")

    assert not Organisation.objects.filter(name__startswith="Organisation ").exists()


def test_a_header_separated_unlike_its_rows_is_refused_and_a_comma_header_does_not_mislead():
    mixed = b"Organisation,Name,E-Mail\r\nRefugio;Anna Beispiel;anna@x.example\r\n"
    with pytest.raises(ValidationError, match="nicht gleich getrennt"):
        read_table(mixed, "liste.csv")
    semicolons = "Anschrift (Straße, Nr.);Organisation\r\nMarktplatz 1;Refugio\r\n".encode()
    assert read_table(semicolons, "liste.csv")[1] == ["Marktplatz 1", "Refugio"]


def test_a_cell_too_long_for_csv_is_said_not_a_crash():
    with pytest.raises(ValidationError):
        read_table(b"A" * 200000 + b";x\r\n1;2\r\n", "liste.csv")


def test_e_v_is_ignored_but_ev_for_evangelisch_is_not():
    assert organisation_key("Caritas (e.V.)") == organisation_key("CARITAS e. V.") == "caritas"
    assert organisation_key("Refugio eV") == "refugio"
    assert organisation_key("Ev. Jugendwerk Ulm") != organisation_key("Jugendwerk Ulm")


def test_new_topics_regions_and_kind_make_an_update_and_a_move_takes_no_rights_along(db):
    from organisations.imports import apply_import

    topic = Topic.objects.create(name="Gesundheit", slug="gesundheit")
    refugio = OrganisationFactory(name="Refugio", kind="other")
    other = OrganisationFactory(name="Jugendring Ulm")
    editor = ContactPersonFactory(organisation=other, email="e@x.example", is_editor=True)
    header = ["Organisation", "Art", "Themen", "Name", "E-Mail"]
    rows = [
        header,
        ["Refugio", "Gewerkschaft", "Gesundheit", "", ""],
        ["Refugio", "", "", "Erika", "e@x.example"],
        ["Refugio", "", "", "Ohne Adresse", ""],
    ]

    judged = judge(rows, guess_mapping(header))
    apply_import(judged, user=None, file_name="x.csv")

    assert [row.status for row in judged] == ["update", "update", "unchanged"]
    assert "Ohne Adresse" in judged[2].notes[0]
    refugio.refresh_from_db()
    editor.refresh_from_db()
    assert refugio.kind == "union" and list(refugio.topics.all()) == [topic]
    assert editor.organisation == refugio and editor.is_editor is False
