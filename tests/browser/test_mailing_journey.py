"""A mailing with nothing faked (issue 18): the office writes it with an attachment, chooses
the core circle, previews and sends; a real worker process sends real mails to an SMTP server
on 127.0.0.1; the MIME is parsed (text, HTML, attachment, List-Unsubscribe); a recipient
follows the link and declines; a second mailing to the same selection leaves them out.

PostgreSQL only, like the invitations' end-to-end test: the worker process needs the test
database. axe and the Nu checker look at every page, at 390 and 1280 px."""

import re
from functools import partial

import pytest
from django.db import connection
from playwright.sync_api import expect

from mailings.models import Recipient
from tests.browser.conftest import WIDTHS, check_html, checked, screenshot
from tests.browser.test_end_to_end import log_in, run_worker
from tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process needs a shared database (PostgreSQL); CI runs it there",
    ),
]
shot = partial(screenshot, folder="mailings")


def compose(page, subject: str, tmp_path, attach: bool):
    page.goto("/geschaeftsstelle/rundmails/")
    page.get_by_role("link", name="Rundmail schreiben").click()
    page.get_by_label("Betreff").fill(subject)
    page.get_by_label("Text").fill(
        "# Was sich ändert\n\nDas Gesetz gilt ab März.\n\n- Fristen prüfen\n- Beratung planen"
    )
    if attach:
        pdf = tmp_path / "stellungnahme.pdf"
        pdf.write_bytes(b"%PDF-1.4\n% a test\n")
        page.get_by_label("Anhang (freiwillig)").set_input_files(str(pdf))
    page.get_by_role("button", name="Speichern und Empfänger*innen wählen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


def choose_core_circle(page):
    page.get_by_label("Wer").select_option("stammkreis")
    page.get_by_role("button", name="Personen anzeigen").click()
    expect(page.get_by_text("2 Personen", exact=True)).to_be_visible()
    page.get_by_role("button", name="2 Personen hinzufügen").click()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_sends_a_mailing_and_a_recipient_declines_the_next(
    new_page, staff_user, smtp, live_server, tmp_path, width
):
    core = OrganisationFactory(name="Caritas Stuttgart", in_core_circle=True)
    amal = ContactPersonFactory(organisation=core, name="Amal Haddad")
    bo = ContactPersonFactory(organisation=core, name="Bo Berger")
    ContactPersonFactory(name="Nicht im Stammkreis")
    documents = {}

    staff = new_page(width=width)
    log_in(staff, staff_user)
    compose(staff, "Neues Gesetz zum Asylverfahren", tmp_path, attach=True)
    staff.get_by_role("link", name="Text bearbeiten").click()
    expect(staff.get_by_label("Anhang entfernen")).not_to_be_checked()
    checked(staff, documents, "mailing edit")
    shot(staff, "0-edit")
    staff.go_back()
    choose_core_circle(staff)
    expect(staff.locator(".mail-preview--html")).to_contain_text("Das Gesetz gilt ab März.")
    checked(staff, documents, "mailing")
    shot(staff, "1-mailing")
    staff.get_by_role("link", name="Senden …").click()
    expect(staff.get_by_text("Sie senden jetzt 2 E-Mails.")).to_be_visible()
    checked(staff, documents, "mailing confirmation")
    shot(staff, "1b-confirmation")
    staff.get_by_role("button", name="2 E-Mails jetzt versenden").click()
    expect(staff.get_by_text("2 E-Mails werden im Hintergrund versandt.")).to_be_visible()
    assert smtp.handler.messages == []

    run_worker(live_server, smtp)

    # The page follows the worker and shows the outcome without a reload by hand.
    expect(staff.get_by_text("Fertig: Die Rundmail ist an 2 Personen gegangen.")).to_be_visible(
        timeout=15_000
    )
    expect(staff.locator(".stats")).to_contain_text("2 versandt")
    checked(staff, documents, "mailing sent")
    shot(staff, "2-sent")
    received = {tuple(to): message for to, message in smtp.handler.messages}
    assert sorted(received) == sorted([(amal.email,), (bo.email,)])
    message = received[(amal.email,)]
    assert message["Subject"] == "Neues Gesetz zum Asylverfahren"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "stellungnahme.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert "<h2>Was sich ändert</h2>" in html and "<li>Fristen prüfen</li>" in html
    link = re.search(rf"{re.escape(live_server.url)}/rundmail/[0-9a-f]{{64}}/", text).group(0)
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Amal follows the link and declines; a second mailing to the core circle leaves her out.
    person = new_page(width=390)
    person.goto(link)
    checked(person, documents, "unsubscribe")
    person.get_by_role("button", name="Keine Rundmails mehr").click()
    expect(person.get_by_text("Sie erhalten keine Rundmails des Netzwerks mehr.")).to_be_visible()
    checked(person, documents, "unsubscribed")
    shot(person, "3-unsubscribed")

    compose(staff, "Einladung zur Stellungnahme", tmp_path, attach=False)
    staff.get_by_label("Wer").select_option("stammkreis")
    staff.get_by_role("button", name="Personen anzeigen").click()
    expect(staff.get_by_text("1 Person", exact=True)).to_be_visible()
    expect(staff.get_by_text("Nicht dabei: 1 Person hat Rundmails abbestellt.")).to_be_visible()
    staff.get_by_role("button", name="1 Person hinzufügen").click()
    staff.get_by_role("link", name="Senden …").click()
    staff.get_by_role("button", name="1 E-Mail jetzt versenden").click()
    run_worker(live_server, smtp)

    second = [m for _to, m in smtp.handler.messages if m["Subject"].startswith("Einladung zur")]
    assert [m["To"] for m in second] == [bo.email]
    assert Recipient.objects.filter(contact=amal).count() == 1
    assert check_html(documents, tmp_path) == []
