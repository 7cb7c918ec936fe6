"""The network in figures (issue 17), as people look at it: the office's evaluation of the demo
year (charts, tables, sorting, the print view as an A4 PDF) and the public page. Screenshots at
390 and 1280 px go to screenshots/figures/; axe and the Nu HTML checker look at every page."""

import io
from functools import partial
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from organisations.models import Region
from tests.browser.conftest import SCREENSHOTS, WIDTHS, check_html, checked, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
shot = partial(screenshot, folder="figures")


@pytest.fixture
def demo(transactional_db, settings):
    if not Region.objects.exists():
        # A transactional test before this one flushed the regions that a data migration
        # makes (serialized rollback does not bring them back in every order of the tests).
        import_module("organisations.migrations.0002_regions").add_regions(apps, None)
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_reads_the_year_and_prints_it(demo, new_page, width, tmp_path):
    documents = {}
    page = new_page(get_user_model().objects.get(email="staff@example.org"), width=width)

    page.goto("/geschaeftsstelle/")
    page.get_by_role("link", name="Auswertung").click()
    page.get_by_label("Jahr").select_option("2026")
    page.get_by_role("button", name="Jahr zeigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Auswertung: 2026")
    expect(page.get_by_text("Teilnahme des Stammkreises")).to_be_visible()
    chart = page.get_by_role("img", name="Zugesagt und anwesend, je Treffen")
    expect(chart).to_be_visible()
    expect(
        page.get_by_role("row", name="27.10.2026 Vernetzungstreffen Asylverfahren")
    ).to_contain_text("24")
    expect(page.get_by_text("Ausländerbehörde Stuttgart").first).to_be_visible()
    checked(page, documents, "evaluation")
    shot(page, "1-evaluation")

    page.get_by_role("link", name="Nach Name").click()
    expect(page.get_by_role("link", name="Nach Name")).to_have_attribute("aria-current", "page")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Organisation")
    rows = page.locator("table").last.locator("tbody tr")
    expect(rows.first).to_contain_text("Afghanischer Frauenverein")
    expect(rows.last).to_contain_text("Volkshochschule Esslingen")
    checked(page, documents, "evaluation sorted")

    if width == 1280:
        page.emulate_media(media="print")
        shot(page, "2-evaluation-print")
        expect(page.locator(".site-header")).to_be_hidden()
        pdf = page.pdf(format="A4", print_background=False)
        assert pdf.startswith(b"%PDF")
        (SCREENSHOTS / "figures" / "evaluation.pdf").write_bytes(pdf)
    assert check_html(documents, tmp_path) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_reads_the_network_in_figures(demo, new_page, width, tmp_path):
    documents = {}
    page = new_page(width=width)

    page.goto("/")
    page.get_by_role("link", name="Das Netzwerk in Zahlen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Das Netzwerk in Zahlen")
    expect(page.get_by_role("img", name="Nach Art")).to_be_visible()
    expect(page.get_by_text("24 Personen aus 21 Organisationen")).to_be_visible()
    checked(page, documents, "public figures")
    shot(page, "3-public")
    assert check_html(documents, tmp_path) == []
