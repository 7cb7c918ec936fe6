"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They run whenever Chromium, axe-core and the Nu HTML checker are installed (`make test` installs
the latter two from the npm registry); with CI=true a missing tool fails the run instead.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls made from the
# tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(settings.BASE_DIR)
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = [390, 1280]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def missing_tools() -> list[str]:
    missing = [str(path) for path in (CHROMIUM, AXE, VNU) if not path.exists()]
    if not shutil.which("java"):
        missing.append("java")
    return missing


@pytest.fixture(scope="session")
def browser():
    missing = missing_tools()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests need {', '.join(missing)} (CI=true: no skipping).")
        pytest.skip(f"Browser tests skipped, missing: {', '.join(missing)}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context, optionally logged in as `user`."""
    contexts = []

    def open_page(user=None, *, width=1280, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            locale="de-DE",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA rules on the current page; returns the violations."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                rule: v.id, impact: v.impact, help: v.help,
                elements: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html),
            }));
        }""",
        AXE_TAGS,
    )


def screenshot(page, name, *, folder: str) -> None:
    """A full-page screenshot into screenshots/<folder>/<name>-<width>.png, to look at."""
    path = SCREENSHOTS / folder
    path.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=path / f"{name}-{width}.png", full_page=True)


def checked(page, documents, name):
    """axe finds nothing; the HTML goes to the Nu checker at the end of the test."""
    assert run_axe(page) == [], name
    documents[f"{name} {page.viewport_size['width']}px"] = page.content()


def check_html(documents: dict[str, str], folder: Path) -> list[str]:
    """Run the Nu HTML checker once over all documents; returns 'name: line: message' errors."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"page{number}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(  # noqa: S603 — fixed arguments, files written above
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = []
    for message in report["messages"]:
        path = message.get("url", "").removeprefix("file:")
        errors.append(
            f"{files.get(path, path)}: line {message.get('lastLine')}: {message['message']}"
        )
    if result.returncode and not errors:
        errors.append(f"the Nu HTML checker failed: {result.stderr[:500]}")
    return errors
