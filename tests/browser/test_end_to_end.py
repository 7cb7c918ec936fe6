"""The whole invitation path with nothing faked: a real worker process sends real mails to an
SMTP server on 127.0.0.1, a browser follows the link, and staff see the answer.

The worker is a separate process, so it must reach the test database: that works on PostgreSQL
(the test database is a real one) and not on SQLite (pytest-django's is in memory); CI runs this
test in its PostgreSQL run.
"""

import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from meetings.models import Invitation
from tests.conftest import totp_code
from tests.factories import PASSWORD, InvitationFactory, MeetingFactory
from tests.mailserver import worker_environment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process needs a shared database (PostgreSQL); CI runs it there",
    ),
]


def run_worker(live_server, smtp):
    """`worker` as production runs it, in its own process, until the queue is empty."""
    result = subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env=worker_environment(smtp, live_server.url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def log_in(page, user):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Code").fill(totp_code())  # staff have a second factor
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_invitation_reminder_and_answer_end_to_end(new_page, staff_user, smtp, live_server):
    meeting = MeetingFactory(title="Vernetzungstreffen Gesundheit")
    first = InvitationFactory(meeting=meeting, contact__name="Amal Haddad")
    second = InvitationFactory(meeting=meeting, contact__name="Bo Berger")
    round_url = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"

    # Staff send the round; the request only queues.
    staff = new_page()
    log_in(staff, staff_user)
    staff.goto(round_url)
    staff.get_by_role("link", name="2 Einladungen versenden …").click()
    expect(staff.get_by_text("Sie senden jetzt 2 E-Mails an 2 Organisationen.")).to_be_visible()
    staff.get_by_role("button", name="2 E-Mails jetzt versenden").click()
    expect(staff.get_by_text("2 Einladungen werden versandt.")).to_be_visible()
    assert smtp.handler.messages == []

    run_worker(live_server, smtp)

    received = {tuple(to): message for to, message in smtp.handler.messages}
    assert sorted(received) == sorted([(first.contact.email,), (second.contact.email,)])
    message = received[(first.contact.email,)]
    assert message["Subject"] == "Einladung: Vernetzungstreffen Gesundheit"
    assert re.fullmatch(
        rf"<invitation-{first.pk}-0\.{meeting.uid}@netzwerk>", message["Message-ID"]
    )
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{meeting.slug}.ics"
    assert f"UID:{meeting.uid}@netzwerk" in attachment.get_content()
    assert "Guten Tag Amal Haddad," in text and "Amal Haddad" in html
    link = re.search(rf"{re.escape(live_server.url)}/einladung/[0-9a-f]{{64}}/", text).group(0)
    assert link in html

    # The invitee follows the link, without an account, and answers "maybe".
    invitee = new_page(width=390)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Vernetzungstreffen Gesundheit")
    invitee.get_by_label("Vielleicht", exact=True).check()
    invitee.get_by_label("Wie viele Personen kommen").fill("2")
    invitee.get_by_role("button", name="Antwort senden").click()
    expect(invitee.get_by_text("Vielen Dank, Ihre Antwort ist gespeichert.")).to_be_visible()

    # Staff see it, and remind the one who has not answered.
    staff.goto(round_url)
    progress = staff.locator("#progress")
    expect(progress).to_contain_text("2 versandt")
    expect(progress).to_contain_text("1 Vielleicht")
    expect(progress).to_contain_text("1 offen")
    staff.get_by_role("link", name="Eine Person ohne Antwort erinnern").click()
    expect(staff.locator(".mail-preview")).to_contain_text("Guten Tag Bo Berger,")
    staff.get_by_role("button", name="An 1 Person senden").click()

    run_worker(live_server, smtp)

    reminders = [m for to, m in smtp.handler.messages if m["Subject"].startswith("Erinnerung")]
    assert [m["To"] for m in reminders] == [second.contact.email]
    assert len(smtp.handler.messages) == 3  # every mail once
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"sent"}
