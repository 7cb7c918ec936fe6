"""QUALITY.md → Access control (the matrix of every URL × persona and the resolver walk:
tests/test_permissions.py; undeclared fields: tests/organisations/test_edit.py)."""

import pytest
from django.test import Client

from organisations.models import Topic
from tests.factories import ContactPersonFactory
from tests.security.test_fuzz import forms_for
from tests.test_permissions import PERSONAS


@pytest.mark.parametrize("persona", ["anonymous", "member", "editor", "staff"])
def test_every_post_form_needs_the_csrf_token(request, matrix_objects, persona):
    """Every form on every page the persona can open, posted without the token: 403."""
    client = request.getfixturevalue(persona)
    guarded = Client(enforce_csrf_checks=True)
    guarded.cookies = client.cookies
    targets = forms_for(client, matrix_objects, persona)

    answers = {
        action: guarded.post(action, dict.fromkeys(fields, "x")).status_code
        for action, fields in targets
    }

    assert {action: status for action, status in answers.items() if status != 403} == {}
    assert len(answers) >= 4


def test_get_never_changes_state(matrix_objects, request):
    """Mail scanners open every link: GET on every route leaves the database as it was."""
    from django.apps import apps

    from tests.test_permissions import MATRIX

    def counts():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    clients = [request.getfixturevalue(persona) for persona in PERSONAS]
    before = counts()
    for client in clients:
        for _name, method, path, _expected in MATRIX:
            if method == "get" and "logout" not in path:
                client.get(path.format(**matrix_objects))
    after = counts()
    after.pop("sessions.Session", None)
    before.pop("sessions.Session", None)
    assert after == before


def test_filter_choices_offer_only_what_the_visitor_may_see(anonymous, db):
    Topic.objects.create(name="Sichtbares Thema", slug="sichtbar")

    page = anonymous.get("/organisationen/").text

    assert "Sichtbares Thema" in page
    assert "Interne Stelle" not in page  # unlisted organisations appear nowhere, not as choice


def test_staff_without_a_second_factor_see_no_staff_only_contacts(
    staff_without_second_factor, staff, org_a
):
    """Seeing contacts kept for the office is a staff right: it needs the second factor too."""
    ContactPersonFactory(organisation=org_a, name="Sonja Stabsstelle", visibility="staff")
    page = f"/organisationen/{org_a.slug}/"

    assert "Sonja Stabsstelle" not in staff_without_second_factor.get(page).text
    assert "Sonja Stabsstelle" in staff.get(page).text


def test_staff_without_a_second_factor_cannot_grant_editor_rights(
    staff_without_second_factor, org_a, member_contact
):
    response = staff_without_second_factor.post(
        member_contact.get_edit_url(),
        {
            "name": member_contact.name,
            "email": member_contact.email,
            "visibility": "members",
            "is_editor": "on",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/konto/2fa/")
    member_contact.refresh_from_db()
    assert not member_contact.is_editor
