"""A person appears on public pages only with their consent (off by default), recorded with
when, how and by whom; withdrawal takes effect at once."""

from django.contrib.auth.models import AnonymousUser

from organisations.models import ContactPerson
from tests.factories import ContactPersonFactory


def contact_data(contact, **changes):
    return {
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "visibility": contact.visibility,
        "receives_invitations": "on",
    } | changes


def test_contacts_are_not_public_by_default(anonymous, org_a, member_contact):
    assert member_contact.visibility == "members"
    page = anonymous.get(f"/organisationen/{org_a.slug}/").text

    assert member_contact.name not in page and member_contact.email not in page


def test_showing_someone_else_publicly_needs_the_way_they_agreed(
    editor, editor_contact, member_contact, anonymous, org_a
):
    url = member_contact.get_edit_url()
    missing = editor.post(url, contact_data(member_contact, visibility="public", role="Leitung"))

    assert missing.status_code == 200
    assert "Bitte geben Sie an, wie die Person eingewilligt hat" in missing.text
    assert 'value="Leitung"' in missing.text  # the input stays
    member_contact.refresh_from_db()
    assert member_contact.visibility == "members" and member_contact.consent_given_at is None

    editor.post(url, contact_data(member_contact, visibility="public", consent_method="written"))

    member_contact.refresh_from_db()
    assert member_contact.visibility == "public"
    assert member_contact.consent_method == "written"
    assert member_contact.consent_given_at is not None
    assert member_contact.consent_recorded_by == editor_contact.user
    page = anonymous.get(f"/organisationen/{org_a.slug}/").text
    assert member_contact.name in page and member_contact.email in page


def test_a_person_consents_for_themself_and_withdraws_at_once(member, member_contact, anonymous):
    url = member_contact.get_edit_url()
    public_page = f"/organisationen/{member_contact.organisation.slug}/"

    member.post(url, contact_data(member_contact, visibility="public"))
    member_contact.refresh_from_db()
    assert (member_contact.consent_method, member_contact.consent_recorded_by) == (
        "self",
        member_contact.user,
    )
    assert member_contact.name in anonymous.get(public_page).text

    member.post(url, contact_data(member_contact, visibility="members"))

    assert member_contact.name not in anonymous.get(public_page).text
    member_contact.refresh_from_db()
    assert member_contact.consent_given_at is None and member_contact.consent_method == ""
    history = ContactPerson.history.filter(id=member_contact.pk).order_by("history_date")
    given, withdrawn = history[len(history) - 2], history[len(history) - 1]
    assert (given.visibility, given.consent_method, given.history_user) == (
        "public",
        "self",
        member_contact.user,
    )
    assert (withdrawn.visibility, withdrawn.consent_given_at, withdrawn.history_user) == (
        "members",
        None,
        member_contact.user,
    )


def test_public_contacts_of_unlisted_organisations_stay_hidden(anonymous, db):
    contact = ContactPersonFactory(
        organisation__listed_publicly=False, visibility="public", name="Petra Öffentlich"
    )

    assert contact.name not in anonymous.get("/organisationen/").text
    assert ContactPerson.objects.visible_to(AnonymousUser()).count() == 0
