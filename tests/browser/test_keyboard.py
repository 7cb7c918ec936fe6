"""Login and profile editing with the keyboard alone, with a visible focus indicator."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {tag: el.tagName, text: (el.innerText || el.name || "").trim().slice(0, 40),
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def tab_to(page, locator, *, key="Tab", limit=250):
    """Press Tab until `locator` has the focus; every stop on the way must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["outline"] != "none" and focus["width"] >= 2, f"no focus ring on {focus}"
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} never got the focus")


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def test_login_with_the_keyboard(new_page, member_contact):
    page = new_page()
    page.goto("/konto/login/")

    tab_to(page, page.get_by_label("E-Mail-Adresse"))
    page.keyboard.type(member_contact.email)
    tab_to(page, page.get_by_label("Passwort", exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_profile_edit_with_the_keyboard(new_page, org_a, editor_contact):
    TopicFactory(name="Gesundheit")
    page = new_page(editor_contact.user)
    page.goto(f"/organisationen/{org_a.slug}/")

    tab_to(page, page.get_by_role("link", name="Profil bearbeiten"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/bearbeiten/")
    description = page.get_by_label("Beschreibung")
    tab_to(page, description)
    page.keyboard.type("Per Tastatur gepflegt.")
    topic = page.get_by_role("group", name="Themenfelder").get_by_label("Gesundheit")
    tab_to(page, topic)
    page.keyboard.press("Space")
    expect(topic).to_be_checked()
    page.keyboard.press("Shift+Tab")
    assert is_focused(description)
    tab_to(page, page.get_by_role("button", name="Speichern"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Das Profil wurde gespeichert.")).to_be_visible()
    org_a.refresh_from_db()
    assert org_a.description == "Per Tastatur gepflegt."
    assert [topic.name for topic in org_a.topics.all()] == ["Gesundheit"]
