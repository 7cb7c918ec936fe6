"""QUALITY.md → Access control (the matrix of every URL × persona and the resolver walk:
tests/test_permissions.py; undeclared fields: tests/organisations/test_edit.py)."""

import re

import pytest
from django.test import Client

from organisations.models import Topic
from tests.factories import ContactPersonFactory
from tests.security.test_fuzz import forms_for
from tests.test_permissions import MATRIX, PERSONAS

# The one form that works without the token: "keine Rundmails mehr", which mail programs post
# with one click (RFC 8058) and no form token. Its link is the secret, and it only lets the
# person decline mailings; undoing that needs the token (test_mailings.py).
CSRF_EXEMPT = re.compile(r"^/rundmail/[0-9a-f]{64}/$")


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
        if not CSRF_EXEMPT.match(action)
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


@pytest.mark.parametrize("query", ["Sonja Stabsstelle", "sonj", "stabs"])
def test_the_member_search_finds_only_the_contact_persons_the_member_may_see(
    outsider, member, staff, org_a, query
):
    """No existence oracle: a member of B searching a name kept for A's office and own people
    does not see A listed (fails without the fix: the search matched every contact)."""
    ContactPersonFactory(organisation=org_a, name="Sonja Stabsstelle", visibility="staff")

    def found(client):
        return org_a.name in client.get("/organisationen/", {"q": query}).text

    assert not found(outsider)
    assert found(member)  # her own organisation's people
    assert found(staff)
    assert not found(outsider)  # also when the rendering for A's members is in the cache


# QUALITY.md: staff need a second factor before any staff-only page or action. The guard sits
# on each view (common.staff), not on a URL prefix: these fail when a staff-only view lacks it
# (without the fix, every staff-only action under /organisationen/ worked without one).
def staff_only(expected) -> bool:
    """A row that every other logged-in persona is refused (403, 404, or the admin's redirect to
    its login) and staff are not refused the same way."""
    others = {expected[PERSONAS.index(p)] for p in ("member", "editor", "outsider")}
    return others <= {302, 403, 404} and expected[PERSONAS.index("staff")] not in others


STAFF_ONLY = [row for row in MATRIX if staff_only(row[3])]


@pytest.mark.parametrize(("name", "method", "path", "expected"), STAFF_ONLY)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(
    staff_without_second_factor, matrix_objects, name, method, path, expected
):
    url = path.format(**matrix_objects)

    response = getattr(staff_without_second_factor, method)(url)

    assert (response.status_code, response.get("Location")) == (302, "/konto/2fa/"), url


def test_the_staff_only_rows_cover_the_office_the_admin_and_staff_actions_elsewhere():
    names = {row[0] for row in STAFF_ONLY}

    assert {"office:home", "office:round", "office:person_data", "admin:index"} <= names
    assert {"organisations:edit", "organisations:contact_invite"} <= names
