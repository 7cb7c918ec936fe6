import pytest
from django.test import Client

from organisations.models import ContactPerson, Organisation
from tests.factories import TopicFactory


def edit_data(organisation, contacts=None, **changes):
    """The profile page's POST data as the browser sends it, with `changes` applied."""
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
    }
    if organisation.listed_publicly:
        data["org-listed_publicly"] = "on"
    return data | changes


def contact_data(contact=None, **changes):
    """A contact person's page's POST data, with `changes` applied."""
    data = {"receives_invitations": "on", "visibility": "members"}
    if contact is not None:
        data = {
            "name": contact.name,
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "visibility": contact.visibility,
        }
        if contact.receives_invitations:
            data["receives_invitations"] = "on"
        if contact.is_editor:
            data["is_editor"] = "on"
    return data | changes


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


def test_edit_editor_changes_the_profile_on_its_own_page(editor, org_a, contacts):
    topic = TopicFactory(name="Gesundheit")
    url = f"/organisationen/{org_a.slug}/bearbeiten/"
    data = edit_data(
        org_a,
        **{
            "org-description": "Neue Beschreibung.",
            "org-topics": [str(topic.pk)],
            "org-website": "https://caritas.example.org",
        },
    )

    page = editor.get(url).text
    response = editor.post(url, data, follow=True)

    assert 'name="contacts-' not in page  # the contact persons have pages of their own
    assert contacts[1].get_edit_url() in page
    assert f"/organisationen/{org_a.slug}/ansprechpersonen/neu/" in page
    assert "Das Profil wurde gespeichert." in response.text
    org_a.refresh_from_db()
    assert org_a.description == "Neue Beschreibung."
    assert list(org_a.topics.all()) == [topic]


def test_an_editor_adds_a_colleague_who_reaches_the_office_as_new(editor, staff, org_a, contacts):
    url = f"/organisationen/{org_a.slug}/ansprechpersonen/neu/"

    response = editor.post(
        url, contact_data(name="Neue Person", email="neu@example.org", role="Beratung"), follow=True
    )

    assert "Neue Person wurde hinzugefügt" in response.text
    added = ContactPerson.objects.get(email="neu@example.org")
    assert added.organisation == org_a and added.account_state == "new"
    accounts = staff.get("/geschaeftsstelle/zugaenge/", {"zugang": "neu"}).text
    assert "Neue Person" in accounts and "neu, ohne Zugang" in accounts


def test_an_editor_removes_a_colleague_after_asking_once(editor, org_a, contacts):
    url = f"/organisationen/{org_a.slug}/ansprechpersonen/{contacts[1].pk}/loeschen/"

    question = editor.get(url)
    assert ContactPerson.objects.filter(pk=contacts[1].pk).exists()
    response = editor.post(url, follow=True)

    assert "Ja, entfernen" in question.text
    assert "wurde entfernt" in response.text
    assert not ContactPerson.objects.filter(pk=contacts[1].pk).exists()


def test_nobody_removes_their_own_entry_and_members_remove_nobody(editor, member, org_a, contacts):
    own = f"/organisationen/{org_a.slug}/ansprechpersonen/{contacts[0].pk}/loeschen/"
    other = f"/organisationen/{org_a.slug}/ansprechpersonen/{contacts[0].pk}/loeschen/"

    editor.post(own)
    assert member.post(other).status_code == 403
    assert ContactPerson.objects.filter(pk=contacts[0].pk).exists()


BAD_PROFILE = [
    ("org-name", "", "Dieses Feld ist zwingend erforderlich."),
    ("org-website", "javascript:alert(1)", "die mit https:// oder http:// beginnt"),
    ("org-website", "ftp://example.org/datei", "die mit https:// oder http:// beginnt"),
    ("org-email", "keine-adresse", "Bitte gültige E-Mail-Adresse eingeben."),
    ("org-phone", "ruf mich an", "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein"),
    ("org-postcode", "7017", "Bitte geben Sie eine Postleitzahl mit fünf Ziffern ein."),
    ("org-kind", "raumschiff", "Bitte eine gültige Auswahl treffen."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_PROFILE)
def test_edit_bad_input_changes_nothing_keeps_input_and_is_summarised(
    editor, org_a, contacts, field, value, message
):
    before = snapshot(org_a)
    data = edit_data(org_a, **{"org-description": "Bitte nicht verlieren", field: value})

    response = editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert response.status_code == 200
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert f'<a href="#id_{field}">' in summary and message in summary
    assert "Bitte nicht verlieren" in response.text
    assert snapshot(org_a) == before


BAD_CONTACT = [
    ("email", "kaputt@", "Bitte gültige E-Mail-Adresse eingeben."),
    ("name", "", "Dieses Feld ist zwingend erforderlich."),
    ("phone", "0711-ABC", "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein"),
    ("email", "REDAKTION@example.org", "gibt es bereits eine Ansprechperson"),
    ("visibility", "public", "Bitte geben Sie an, wie die Person eingewilligt hat"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_CONTACT)
def test_a_new_colleague_with_a_mistake_is_not_saved_and_the_summary_links_the_field(
    editor, org_a, contacts, field, value, message
):
    before = snapshot(org_a)
    data = contact_data(name="Neue Person", email="neu@example.org", role="Bitte nicht verlieren")

    response = editor.post(
        f"/organisationen/{org_a.slug}/ansprechpersonen/neu/", data | {field: value}
    )

    assert response.status_code == 200
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "autofocus" in response.text.split('class="error-summary"')[1][:200]
    assert message in summary and '<a href="#id_' in summary
    assert "Bitte nicht verlieren" in response.text
    assert snapshot(org_a) == before


def test_edit_ignores_fields_it_does_not_declare(editor, org_a, contacts, outsider_contact):
    data = edit_data(org_a, **{"org-in_core_circle": "on", "org-slug": "gekapert"})
    sneaky = {
        "user": str(outsider_contact.user.pk),
        "organisation": str(outsider_contact.organisation.pk),
        "is_staff": "on",
    }

    editor.post(f"/organisationen/{org_a.slug}/bearbeiten/", data | sneaky)
    editor.post(contacts[1].get_edit_url(), contact_data(contacts[1], **sneaky))

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
    data = edit_data(org_a, **{"org-name": "Gefälscht"})

    response = client.post(f"/organisationen/{org_a.slug}/bearbeiten/", data)

    assert response.status_code == 403
    assert "Formular abgelaufen" in response.text
    org_a.refresh_from_db()
    assert org_a.name == "Caritas Stuttgart"


def test_edit_by_staff_of_any_organisation(staff, org_b):
    data = edit_data(org_b, **{"org-city": "Ulm an der Donau"})

    staff.post(f"/organisationen/{org_b.slug}/bearbeiten/", data)

    org_b.refresh_from_db()
    assert org_b.city == "Ulm an der Donau"
