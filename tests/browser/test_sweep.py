"""Every page each persona can reach: axe-core, the Nu HTML checker, and screenshots.

The pages come from the permission matrix (tests/test_permissions.py), so a new page is swept
as soon as it has its row there.
"""

import re
import shutil

import pytest

from tests.browser.conftest import SCREENSHOTS, WIDTHS, check_html, run_axe
from tests.test_permissions import MATRIX, PERSONAS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SWEPT_STATUSES = {200, 403, 404}  # pages that render for this persona, error pages included

USERS = {
    "anonymous": None,
    "member": "member_contact",
    "editor": "editor_contact",
    "outsider": "outsider_contact",
    "staff": "staff_user",
}


def pages_for(persona: str, objects: dict) -> list[tuple[str, int]]:
    pages = {}
    for _name, method, path, expected in MATRIX:
        status = expected[PERSONAS.index(persona)]
        if path.split("?")[0].endswith((".ics", ".csv", ".json", "/feed/")):
            continue  # files and feeds are not pages; tested in tests/meetings
        if method == "get" and status in SWEPT_STATUSES:
            pages[path.format(**objects)] = status
    return list(pages.items())


def user_of(request, persona):
    if USERS[persona] is None:
        return None
    value = request.getfixturevalue(USERS[persona])
    return getattr(value, "user", value)


@pytest.mark.parametrize("persona", PERSONAS)
def test_sweep_accessibility_html_and_screenshots(
    request, persona, matrix_objects, new_page, tmp_path
):
    user = user_of(request, persona)
    pages = pages_for(persona, matrix_objects)
    problems, documents = [], {}
    shutil.rmtree(SCREENSHOTS / persona, ignore_errors=True)
    for width in WIDTHS:
        page = new_page(user, width=width)
        for path, status in pages:
            response = page.goto(path)
            assert response.status == status, f"{persona} {path}"
            for violation in run_axe(page):
                problems.append(f"axe {persona} {width}px {path}: {violation}")
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
            page.screenshot(path=SCREENSHOTS / persona / f"{name}-{width}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            if overflow:
                problems.append(f"layout {persona} {width}px {path}: wider than the screen")
            documents[f"{persona} {path}"] = response.text()

    problems += [f"html {error}" for error in check_html(documents, tmp_path)]
    assert problems == [], "\n".join(problems)
