import pytest
from django.test import Client

from organisations.models import ContactPerson, Organisation
from tests.factories import ContactPersonFactory, TopicFactory


def edit_data(organisation, contacts, **changes):
    """The edit page's POST data as the browser sends it, with `changes` applied."""
    data = {
        "org-name": organisation.name,
        "org-short_name": organisation.short_name,
        "org-kind": organisation.kind,
        "org-description": organisation.description,
        "org-street": organisation.street,
        "org-postcode": organisation.postcode,
        "org-city": organisation.city,
        "org-website": organisation.website,
        "org-email": organisation.email,
        "org-phone": organisation.phone,
        "org-languages": organisation.languages,
        "contacts-TOTAL_FORMS": str(len(contacts) + 1),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    if organisation.listed_publicly:
        data["org-listed_publicly"] = "on"
    for index, contact in enumerate(contacts):
        prefix = f"contacts-{index}-"
        data |= {
            prefix + "id": str(contact.pk),
            prefix + "organisation": str(organisation.pk),
            prefix + "name": contact.name,
            prefix + "role": contact.role,
            prefix + "email": contact.email,
            prefix + "phone": contact.phone,
            prefix + "visibility": contact.visibility,
        }
        if contact.receives_invitations:
            data[prefix + "receives_invitations"] = "on"
        if contact.is_editor:
            data[prefix + "is_editor"] = "on"
    new = f"contacts-{len(contacts)}-"
    data |= {new + "receives_invitations": "on", new + "visibility": "members"}
    data |= changes
    return data


@pytest.fixture
def contacts(editor_contact, member_contact):
    return [editor_contact, member_contact]


def snapshot(organisation):
    organisation.refresh_from_db()
    contacts = ContactPerson.objects.filter(organisation=organisation).order_by("pk")
    return (
        [getattr(organisation, f.attname) for f in Organisation._meta.concrete_fields],
        [(c.name, c.role, c.email, c.phone, c.is_editor) for c in contacts],
    )


def test_edit_editor_changes_profile_and_contacts(editor, org_a, contacts):
    topic = TopicFactory(name="Gesundheit")
    url = f"/organisationen/{org_a.slug}/bearbeiten/"
    data = edit_data(
        org_a,
        contacts,
        **{
            "org-description": "Neue Beschreibung.",
            "org-topics": [str(topic.pk)],
            "org-website": "https://caritas.example.org",
            "contacts-1-role": "Leitung",
            "contacts-2-name": "Neue Person",
            "contacts-2-email": "neu@example.org",
        },
    )

    response = editor.post(url, data, follow=True)

    assert "Das Profil wurde gespeichert." in response.text
    org_a.refresh_from_db()
    assert org_a.description == "Neue Beschreibung."
    assert list(org_a.topics.all()) == [topic]
    assert ContactPerson.objects.get(pk=contacts[1].pk).role == "Leitung"
    assert ContactPerson.objects.get(email="neu@example.org").organisation == org_a


def test_edit_editor_removes_a_contact(editor, org_a, contacts):
    data = edit_data(org_a, contacts, **{"contacts-1-DELETE": "on"})

    editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert not ContactPerson.objects.filter(pk=contacts[1].pk).exists()


BAD_INPUT = [
    ("org-name", "", "Dieses Feld ist zwingend erforderlich."),
    ("org-website", "javascript:alert(1)", "die mit https:// oder http:// beginnt"),
    ("org-website", "ftp://example.org/datei", "die mit https:// oder http:// beginnt"),
    ("org-email", "keine-adresse", "Bitte gültige E-Mail-Adresse eingeben."),
    ("org-phone", "ruf mich an", "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein"),
    ("org-postcode", "7017", "Bitte geben Sie eine Postleitzahl mit fünf Ziffern ein."),
    ("org-kind", "raumschiff", "Bitte eine gültige Auswahl treffen."),
    ("contacts-0-email", "kaputt@", "Bitte gültige E-Mail-Adresse eingeben."),
    ("contacts-0-name", "", "Dieses Feld ist zwingend erforderlich."),
    ("contacts-1-phone", "0711-ABC", "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein"),
    ("contacts-1-email", "redaktion@example.org", "kommt doppelt vor"),
    ("contacts-2-email", "REDAKTION@example.org", "kommt doppelt vor"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_edit_bad_input_changes_nothing_and_keeps_input(
    editor, org_a, contacts, field, value, message
):
    before = snapshot(org_a)
    data = edit_data(org_a, contacts, **{"org-description": "Bitte nicht verlieren", field: value})
    if field.startswith("contacts-2-"):
        data["contacts-2-name"] = "Neue Person"

    response = editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert response.status_code == 200
    assert message in response.text
    assert "Bitte korrigieren Sie die markierten Felder." in response.text
    assert "Bitte nicht verlieren" in response.text
    assert snapshot(org_a) == before


def test_edit_duplicate_against_database_is_refused(editor, org_a, contacts):
    before = snapshot(org_a)
    data = edit_data(
        org_a,
        contacts,
        **{"contacts-2-name": "Doppelt", "contacts-2-email": contacts[1].email.upper()},
    )

    response = editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert response.status_code == 200
    assert snapshot(org_a) == before


def test_edit_ignores_fields_it_does_not_declare(editor, org_a, contacts, outsider_contact):
    data = edit_data(
        org_a,
        contacts,
        **{
            "org-in_core_circle": "on",
            "org-slug": "gekapert",
            "contacts-1-user": str(outsider_contact.user.pk),
            "contacts-1-organisation": str(outsider_contact.organisation.pk),
            "is_staff": "on",
        },
    )

    editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    org_a.refresh_from_db()
    contact = ContactPerson.objects.get(pk=contacts[1].pk)
    assert (org_a.in_core_circle, org_a.slug) == (False, "caritas-stuttgart")
    assert contact.user == contacts[1].user
    assert contact.organisation == org_a
    assert not contacts[0].user.is_staff


def test_contact_edit_member_changes_own_entry(member, member_contact):
    url = member_contact.get_edit_url()
    data = {
        "name": "Mira Neu",
        "role": "Beratung",
        "email": member_contact.email,
        "phone": "+49 711 99999",
        "visibility": "staff",
        "is_editor": "on",
    }

    response = member.post(url, data, follow=True)

    assert "Der Kontakteintrag wurde gespeichert." in response.text
    member_contact.refresh_from_db()
    assert (member_contact.name, member_contact.visibility) == ("Mira Neu", "staff")
    assert member_contact.receives_invitations is False
    assert member_contact.is_editor is False  # only editors and staff grant editing rights


def test_contact_edit_form_offers_editor_right_only_to_editors(member, editor, member_contact):
    url = member_contact.get_edit_url()

    assert 'name="is_editor"' not in member.get(url).text
    assert 'name="is_editor"' in editor.get(url).text


def test_contact_edit_bad_input_keeps_what_was_typed(member, member_contact):
    before = (member_contact.name, member_contact.email)
    data = {"name": "Mira Getippt", "email": "falsch", "visibility": "members"}

    response = member.post(member_contact.get_edit_url(), data)

    assert response.status_code == 200
    assert "Bitte gültige E-Mail-Adresse eingeben." in response.text
    assert 'value="Mira Getippt"' in response.text
    member_contact.refresh_from_db()
    assert (member_contact.name, member_contact.email) == before


def test_edit_requires_csrf_token(org_a, contacts):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contacts[0].user)
    data = edit_data(org_a, contacts, **{"org-name": "Gefälscht"})

    response = client.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert response.status_code == 403
    assert "Formular abgelaufen" in response.text
    org_a.refresh_from_db()
    assert org_a.name == "Caritas Stuttgart"


def test_edit_by_staff_of_any_organisation(staff, org_b):
    contact = ContactPersonFactory(organisation=org_b)
    data = edit_data(org_b, [contact], **{"org-city": "Ulm an der Donau"})

    staff.post(f"/organisationen/{org_b.slug}/bearbeiten/", data)

    org_b.refresh_from_db()
    assert org_b.city == "Ulm an der Donau"
