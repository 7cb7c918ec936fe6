"""QUALITY.md → Access control (the matrix of every URL × persona and the resolver walk:
tests/test_permissions.py; undeclared fields: tests/organisations/test_edit.py)."""

import pytest
from django.test import Client

from organisations.models import Topic
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
