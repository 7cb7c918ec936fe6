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


def admin_data(contact, **changes):
    return contact_data(contact, organisation=contact.organisation.pk, **changes)


def test_consent_given_in_the_admin_is_recorded_with_when_how_and_by_whom(
    staff, staff_user, member_contact
):
    url = f"/admin/organisations/contactperson/{member_contact.pk}/change/"

    missing = staff.post(url, admin_data(member_contact, visibility="public"))
    assert missing.status_code == 200
    assert "Bitte geben Sie an, wie die Person eingewilligt hat" in missing.text
    member_contact.refresh_from_db()
    assert member_contact.visibility == "members"

    staff.post(url, admin_data(member_contact, visibility="public", consent_method="verbal"))
    member_contact.refresh_from_db()
    assert member_contact.visibility == "public"
    assert (member_contact.consent_method, member_contact.consent_recorded_by) == (
        "verbal",
        staff_user,
    )
    assert member_contact.consent_given_at is not None

    staff.post(url, admin_data(member_contact, visibility="members"))
    member_contact.refresh_from_db()
    assert (member_contact.consent_given_at, member_contact.consent_method) == (None, "")
    assert member_contact.consent_recorded_by == staff_user


def test_consent_in_the_organisation_admin_goes_through_the_same_rule(staff, staff_user, org_a):
    contact = ContactPersonFactory(organisation=org_a, name="Ina Inline")
    prefix = "contacts"
    data = {
        "name": org_a.name,
        "slug": org_a.slug,
        "kind": org_a.kind,
        "city": org_a.city,
        "listed_publicly": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": contact.pk,
        f"{prefix}-0-organisation": org_a.pk,
        f"{prefix}-0-name": contact.name,
        f"{prefix}-0-email": contact.email,
        f"{prefix}-0-visibility": "public",
        f"{prefix}-0-receives_invitations": "on",
        f"{prefix}-0-consent_method": "written",
    }

    response = staff.post(f"/admin/organisations/organisation/{org_a.pk}/change/", data)

    assert response.status_code == 302, response.text[:3000]
    contact.refresh_from_db()
    assert (contact.visibility, contact.consent_method, contact.consent_recorded_by) == (
        "public",
        "written",
        staff_user,
    )
