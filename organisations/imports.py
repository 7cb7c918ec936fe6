"""The office's existing address lists into the directory (issue 16): reading the files and
judging each row. Nothing here writes to the database; the office confirms a preview first.

Files as Excel writes them: XLSX (read with openpyxl; merged header cells count for each column
they span, empty rows are skipped) and CSV in UTF-8 (with or without a byte-order mark) or
Windows-1252, separated by semicolons or commas.
"""

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.models import (
    ContactPerson,
    Organisation,
    Region,
    SuppressedAddress,
    Topic,
    address_hash,
    sort_key,
)
from organisations.services import unique_slug

MAX_ROWS = 5000

# field → its label for the office, and header words that name it in the office's lists.
FIELDS = {
    "organisation": (gettext_lazy("Organisation"), ["organisation", "einrichtung", "träger"]),
    "kind": (gettext_lazy("Kind of organisation"), ["art", "typ", "kategorie"]),
    "street": (gettext_lazy("Street and number"), ["straße", "strasse", "adresse", "anschrift"]),
    "postcode": (gettext_lazy("Postcode"), ["plz", "postleitzahl"]),
    "city": (gettext_lazy("City"), ["ort", "stadt"]),
    "website": (gettext_lazy("Website"), ["website", "internet", "homepage", "webseite"]),
    "topics": (gettext_lazy("Topics"), ["themen", "thema", "arbeitsfelder"]),
    "regions": (gettext_lazy("Regions"), ["regionen", "region", "landkreis", "kreis"]),
    "name": (gettext_lazy("Contact person"), ["name", "ansprechperson", "kontaktperson"]),
    "role": (gettext_lazy("Role"), ["funktion", "rolle", "position"]),
    "email": (gettext_lazy("E-mail address"), ["e-mail", "email", "mail", "e-mail-adresse"]),
    "phone": (gettext_lazy("Phone"), ["telefon", "tel", "tel.", "telefonnummer"]),
}


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a postcode Excel stored as a number
    return " ".join(str(value).split())


def read_table(data: bytes, name: str) -> list[list[str]]:
    """The file's rows as text, empty rows left out; ValidationError for what cannot be read."""
    if data[:4] == b"PK\x03\x04":  # a zip: XLSX
        rows = read_xlsx(data)
    elif name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationError(_("The file is not an Excel workbook (.xlsx) that can be read."))
    else:
        rows = read_csv(data)
    rows = [row for row in rows if any(row)]
    if len(rows) < 2:
        raise ValidationError(_("The file holds no rows below its header."))
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(
            _("The file holds more than %(count)s rows: please split it.") % {"count": MAX_ROWS}
        )
    return rows


def read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    except Exception as error:  # noqa: BLE001 — whatever openpyxl finds wrong: not readable
        raise ValidationError(
            _("The file is not an Excel workbook (.xlsx) that can be read.")
        ) from error
    merged = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                merged[(row, column)] = value
    return [
        [
            cell_text(merged.get((cell.row, cell.column), cell.value))
            for cell in row
            if hasattr(cell, "column")
        ]
        for row in sheet.iter_rows()
    ]


def read_csv(data: bytes) -> list[list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's "CSV (Trennzeichen)"
    try:
        return [
            [cell_text(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter_of(text))
        ]
    except csv.Error as error:
        raise ValidationError(_("The file is not a CSV table that can be read.")) from error


def delimiter_of(text: str) -> str:
    """The separator that cuts the first lines into as many cells as the header, most often:
    a header like "Anschrift (Straße, Nr.)" does not make a semicolon file a comma file."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]

    def fits(delimiter: str) -> int:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            return -1
        width = len(rows[0]) if rows else 0
        return sum(1 for row in rows[1:] if len(row) == width) if width > 1 else -1

    best = max([";", ",", "\t"], key=fits)  # the first of equals: Excel's German semicolon
    if len(lines) > 1 and fits(best) <= 0:
        raise ValidationError(
            _(
                "The header and the rows below it are not separated alike (semicolons or "
                "commas): please save the file from Excel again as CSV."
            )
        )
    return best


def header_key(text: str) -> str:
    return re.sub(r"[\s_:]+", " ", text.strip().casefold()).strip()


def guess_mapping(header: list[str]) -> dict[int, str]:
    """Column index → field, for the header words the office's lists use."""
    mapping = {}
    for index, text in enumerate(header):
        key = header_key(text)
        for name, (_label, words) in FIELDS.items():
            if key in words and name not in mapping.values():
                mapping[index] = name
                break
    return mapping


def remembered_mapping(header: list[str], earlier: list[tuple[list, dict]]) -> dict[int, str]:
    """The mapping the office chose for these header words in earlier imports (the latest
    first; "" for a column left out), else the guess from the header words."""
    mapping = guess_mapping(header)
    chosen = {}
    for old_header, old_mapping in earlier:
        for index, name in old_mapping.items():
            if int(index) < len(old_header):
                chosen.setdefault(header_key(old_header[int(index)]), name)
    for index, text in enumerate(header):
        key = header_key(text)
        if not key or key not in chosen:
            continue
        mapping.pop(index, None)
        if chosen[key]:
            mapping = {i: n for i, n in mapping.items() if n != chosen[key]}
            mapping[index] = chosen[key]
    return mapping


def organisation_key(name: str) -> str:
    """Organisation names compared: case, spaces, "e.V." ("e. V.", "eV" at the end, "(e.V.)")
    and punctuation do not count; "Ev." (evangelisch) does."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"(?<!\w)e\.\s*v\.?(?=[\s)]|$)|(?<=\s)ev$", " ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass
class Row:
    number: int  # in the file, the header being row 1
    values: dict
    status: str = "new"  # new, update, unchanged, duplicate, error
    reasons: list = field(default_factory=list)  # why it is an error or a duplicate
    notes: list = field(default_factory=list)  # what the office should know, importing it
    organisation: Organisation | None = None
    contact: ContactPerson | None = None


def known_kinds() -> dict[str, str]:
    """A kind of organisation as the lists write it: its German name, or its value."""
    named = {header_key(str(label)): value for value, label in Organisation.Kind.choices}
    return named | {value: value for value in Organisation.Kind.values}


def judge(rows: list[list[str]], mapping: dict[int, str]) -> list[Row]:
    """Each row below the header: new, update, unchanged, duplicate or error, with reasons in
    German. Reads the directory (a few queries whatever the number of rows), writes nothing."""
    kinds = known_kinds()
    topics = {header_key(t.name): t for t in Topic.objects.all()}
    regions = {header_key(r.name): r for r in Region.objects.all()}
    organisations = {
        organisation_key(o.name): o
        for o in Organisation.objects.prefetch_related("topics", "regions")
    }
    contacts = {}
    for contact in ContactPerson.objects.select_related("organisation"):
        contacts.setdefault(contact.email.casefold(), []).append(contact)
    suppressed = set(SuppressedAddress.objects.values_list("email_hash", flat=True))
    seen = {}
    judged = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {
            name: cells[index] if index < len(cells) else "" for index, name in mapping.items()
        }
        row = Row(number, values)
        judged.append(row)
        check_row(row, kinds, topics, regions, suppressed)
        email = values.get("email", "").casefold()
        if email and email in seen:
            row.status = "duplicate"
            row.reasons.append(
                _("Two rows for one person: %(email)s is also in row %(row)s.")
                % {"email": values["email"], "row": seen[email]}
            )
            continue
        if email:
            seen[email] = number
        if row.reasons:
            row.status = "error"
            continue
        row.organisation = organisations.get(organisation_key(values["organisation"]))
        row.contact = same_person(row, contacts.get(email, []))
        row.status = compare(row, kinds, topics, regions)
    return judged


def same_person(row: Row, entries: list[ContactPerson]) -> ContactPerson | None:
    """The directory's entry for the row's address: the one at the row's organisation, else
    one elsewhere, which the import moves (and says so)."""
    here = [c for c in entries if row.organisation and c.organisation_id == row.organisation.pk]
    if here or not entries:
        return here[0] if here else None
    row.notes.append(
        _("%(name)s moves from %(old)s to %(new)s (without editing rights there).")
        % {
            "name": entries[0].name,
            "old": entries[0].organisation.name,
            "new": row.values["organisation"],
        }
    )
    return entries[0]


def check_row(row: Row, kinds: dict, topics: dict, regions: dict, suppressed: set) -> None:
    values = row.values
    if not values.get("organisation"):
        row.reasons.append(_("The organisation's name is missing."))
    if values.get("name") and not values.get("email"):
        row.notes.append(
            _("%(name)s has no e-mail address: only the organisation is taken over.")
            % {"name": values["name"]}
        )
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            row.reasons.append(
                _("“%(value)s” is not an e-mail address.") % {"value": values["email"]}
            )
        else:
            if not values.get("name"):
                row.reasons.append(_("The contact person's name is missing."))
            if address_hash(values["email"]) in suppressed:
                row.notes.append(
                    _(
                        "%(email)s is on the suppression list (objection or erasure): imported, "
                        "but never invited."
                    )
                    % {"email": values["email"]}
                )
    # The model fields' own rules (length, postcode, website, phone), as the edit forms apply
    # them; the address's form is checked above.
    fields = [(Organisation, "organisation", "name"), (ContactPerson, "email", "email")]
    fields += [(Organisation, name, name) for name in ORGANISATION_FIELDS]
    fields += [(ContactPerson, name, name) for name in CONTACT_FIELDS]
    for model, name, field_name in fields:
        if not values.get(name) or (name == "email" and row.reasons):
            continue
        try:
            model._meta.get_field(field_name).clean(values[name], None)
        except ValidationError as error:
            row.reasons.append(f"{FIELDS[name][0]}: {' '.join(error.messages)}")
    if values.get("kind") and header_key(values["kind"]) not in kinds:
        row.reasons.append(
            _("Unknown kind of organisation: “%(value)s”.") % {"value": values["kind"]}
        )
    for name, known in (("topics", topics), ("regions", regions)):
        for item in split_list(values.get(name, "")):
            if header_key(item) not in known:
                message = (
                    _("Unknown topic: “%(value)s”.")
                    if name == "topics"
                    else _("Unknown region: “%(value)s”.")
                )
                row.reasons.append(message % {"value": item})


def split_list(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;/]", text) if item.strip()]


ORGANISATION_FIELDS = ["street", "postcode", "city", "website"]
CONTACT_FIELDS = ["name", "role", "phone"]


def compare(row: Row, kinds: dict, topics: dict, regions: dict) -> str:
    """new (the organisation or the person is not in the directory), update (something
    differs, a topic or region is added, the person moves) or unchanged."""
    if row.organisation is None or (row.values.get("email") and row.contact is None):
        return "new"
    organisation, values = row.organisation, row.values
    differs = changed(organisation, values, ORGANISATION_FIELDS)
    kind = kinds.get(header_key(values.get("kind", "")))
    differs = differs or (kind is not None and kind != organisation.kind)
    for name, known in (("topics", topics), ("regions", regions)):
        present = set(getattr(organisation, name).all())
        differs = differs or any(
            known[header_key(item)] not in present for item in split_list(values.get(name, ""))
        )
    if row.contact is not None:
        differs = differs or changed(row.contact, values, CONTACT_FIELDS)
        differs = differs or row.contact.organisation_id != organisation.pk
    return "update" if differs else "unchanged"


@transaction.atomic
def apply_import(judged: list[Row], *, user, file_name: str) -> Counter:
    """Write the new and changed rows of a judged file, all in one transaction (an error
    leaves the directory as it was); the change history names the import and who ran it.
    Imported persons are visible to members, not public (no consent), and an address on
    the suppression list receives no invitations. Returns how many were created and changed."""
    reason = f"Import: {file_name}"[:100]
    created = {}  # organisation key → an organisation this import made
    counts = Counter()
    topics = {header_key(t.name): t for t in Topic.objects.all()}
    regions = {header_key(r.name): r for r in Region.objects.all()}
    kinds = known_kinds()
    suppressed = set(SuppressedAddress.objects.values_list("email_hash", flat=True))
    tags = {}  # organisation → the topics and regions its rows name, added once at the end
    new_contacts, changed_contacts = [], []
    for row in judged:
        if row.status not in ("new", "update"):
            continue
        values = row.values
        key = organisation_key(values["organisation"])
        organisation = row.organisation or created.get(key)
        if organisation is None:
            organisation = Organisation(
                name=values["organisation"],
                slug=unique_slug(values["organisation"]),
                kind=kinds.get(header_key(values.get("kind", "")), Organisation.Kind.OTHER),
            )
            created[key] = organisation
            counts["organisations created"] += 1
        elif changed(organisation, values, ORGANISATION_FIELDS):
            counts["organisations changed"] += 1
        kind = kinds.get(header_key(values.get("kind", "")))
        new_kind = organisation.pk is not None and kind is not None and kind != organisation.kind
        if (
            organisation.pk is None
            or new_kind
            or changed(organisation, values, ORGANISATION_FIELDS)
        ):
            for name in ORGANISATION_FIELDS:
                if values.get(name):
                    setattr(organisation, name, values[name])
            organisation.kind = kind or organisation.kind
            save_with_history(organisation, user, reason)
        topic_set, region_set = tags.setdefault(organisation, (set(), set()))
        topic_set.update(topics[header_key(t)] for t in split_list(values.get("topics", "")))
        region_set.update(regions[header_key(r)] for r in split_list(values.get("regions", "")))
        if not values.get("email"):
            continue
        contact = row.contact
        if contact is None:
            contact = ContactPerson(
                email=values["email"],
                receives_invitations=address_hash(values["email"]) not in suppressed,
            )
            new_contacts.append(contact)
            counts["contact persons created"] += 1
        elif changed(contact, values, CONTACT_FIELDS) or contact.organisation_id != organisation.pk:
            changed_contacts.append(contact)
            counts["contact persons changed"] += 1
        else:
            continue
        if contact.pk is not None and contact.organisation_id != organisation.pk:
            contact.is_editor = False  # editing rights stay with the organisation they left
        contact.organisation = organisation
        for name in CONTACT_FIELDS:
            if values.get(name):
                setattr(contact, name, values[name])
        contact.sort_name, contact.updated_at = sort_key(contact.name), timezone.now()
        contact.clean_fields(exclude=["user", "organisation"])  # the organisation: saved above
    # Persons in bulk, with their history: what ContactPerson.save() adds is done above (the
    # suppression list from its hashes, the sort name, the time of the change); none is made
    # public, which would need consent.
    history = {"default_user": user, "default_change_reason": reason}
    bulk_create_with_history(new_contacts, ContactPerson, batch_size=500, **history)
    fields = ["organisation", "is_editor", *CONTACT_FIELDS, "sort_name", "updated_at"]
    bulk_update_with_history(changed_contacts, ContactPerson, fields, batch_size=500, **history)
    for organisation, (topic_set, region_set) in tags.items():
        if topic_set:
            organisation.topics.add(*topic_set)
        if region_set:
            organisation.regions.add(*region_set)
    return counts


def changed(instance, values: dict, names: list[str]) -> bool:
    return any(values.get(name) and values[name] != getattr(instance, name) for name in names)


def save_with_history(instance, user, reason: str) -> None:
    """The fields' own rules once more (the judging applied them to the file's text); the
    suppression list is the model's save(), the one entry per address and organisation the
    database's constraint (a violation rolls the whole import back)."""
    instance._history_user = user  # django-simple-history's names
    instance._change_reason = reason
    instance.clean_fields(exclude=["slug", "user"])
    instance.save()
