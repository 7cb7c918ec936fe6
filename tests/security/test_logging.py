"""QUALITY.md → Security → logging: one line per event, UTC time, user id, client address
from the trusted proxy header only; never passwords, tokens or mail bodies."""

import logging
import re

import pytest
from django.test import Client

from common.security import UTCFormatter
from organisations.models import EntryCheck
from tests.factories import PASSWORD, InvitationFactory, MeetingFactory


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="netzwerk.security")
    return caplog


def lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "netzwerk.security"]


def test_login_and_failed_login_are_logged_without_the_password(security_log, member_contact):
    Client().post("/konto/login/", {"login": member_contact.email, "password": "falsch-" * 3})
    Client(REMOTE_ADDR="10.1.2.3").post(
        "/konto/login/", {"login": member_contact.email, "password": PASSWORD}
    )

    log = lines(security_log)
    assert "event=login_failed user=- ip=127.0.0.1" in log
    assert f"event=login user={member_contact.user.pk} ip=10.1.2.3" in log
    text = "\n".join(log)
    assert PASSWORD not in text and "falsch" not in text and member_contact.email not in text


def test_denied_access_is_logged(security_log, member, member_contact):
    member.get("/geschaeftsstelle/")

    assert (
        f"event=access_denied user={member_contact.user.pk} ip=127.0.0.1 path=/geschaeftsstelle/"
        in lines(security_log)
    )


def test_exports_and_sends_are_logged_without_tokens_or_mail(
    security_log, staff, staff_user, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting)
    staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/teilnehmende.csv")
    with django_capture_on_commit_callbacks():
        staff.post(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/senden/")

    log = lines(security_log)
    assert (
        f"event=export user={staff_user.pk} ip=127.0.0.1 kind=participants_csv meeting={meeting.pk}"
    ) in log
    assert f"event=invitations_queued user={staff_user.pk} meeting={meeting.pk} count=1" in log
    text = "\n".join(log)
    assert invitation.token not in text and invitation.contact.email not in text


def test_client_address_comes_from_the_proxy_header_only_when_proxies_are_trusted(
    security_log, settings, member_contact
):
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6"}
    Client(REMOTE_ADDR="10.0.0.1").post(
        "/konto/login/", {"login": "x@example.org", "password": "y" * 12}, **forged
    )
    settings.TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR="10.0.0.1").post(
        "/konto/login/",
        {"login": "x@example.org", "password": "y" * 12},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7",
    )

    log = lines(security_log)
    assert "event=login_failed user=- ip=10.0.0.1" in log  # the header alone is not believed
    assert "event=login_failed user=- ip=192.0.2.7" in log  # the address our proxy added


def test_log_lines_carry_utc_time():
    record = logging.LogRecord("netzwerk.security", logging.INFO, "", 0, "event=x", None, None)
    record.created = 1_790_000_000.5  # 2026-09-21 14:13:20.5 UTC, 16:13 in Stuttgart
    formatted = UTCFormatter("%(asctime)s %(message)s").format(record)

    assert re.fullmatch(r"2026-09-21T14:13:20\.\d{3}Z event=x", formatted)


@pytest.fixture
def written_log():
    """What the configured log handler writes (its filters applied), whatever logger logs."""
    import io

    (handler,) = logging.getLogger().handlers[:1]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_personal_links_never_reach_the_log(db, written_log, settings):
    """Fails without the fix: Django's request logger wrote the whole path for 405, 403 (CSRF)
    and 429 answers on /einladung/<token>/…"""
    invitation = InvitationFactory()
    token = invitation.token
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"invitation_page": "2/m/ip"}

    Client().get(f"/einladung/{token}/vertretung/")  # 405
    Client(enforce_csrf_checks=True).post(f"/einladung/{token}/")  # 403, CSRF
    Client().get(f"/einladung/{token}x/")  # 404
    limited = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(3):
        limited.get(f"/einladung/{token}/")  # the third: 429
    logging.getLogger("django.server").info('"GET /einladung/%s/ HTTP/1.1" 200 512', token)

    text = written_log.getvalue()
    assert "Method Not Allowed" in text and "Forbidden (CSRF" in text and "Not Found" in text
    assert "event=rate_limited" in text and "django.server" in text
    assert token not in text and token[:16] not in text
    assert "/einladung/…/" in text


def test_date_poll_links_never_reach_the_log(db, written_log):
    """Fails without the fix: the poll's links (/abstimmung/<token>/) were written whole."""
    token = "a" * 64
    Client(enforce_csrf_checks=True).post(f"/abstimmung/{token}/")  # 403, CSRF
    Client().get(f"/abstimmung/{token}/")  # 404
    logging.getLogger("django.server").info('"GET /abstimmung/%s/ HTTP/1.1" 200 512', token)

    text = written_log.getvalue()
    assert "Not Found" in text and "django.server" in text
    assert token not in text and token[:16] not in text
    assert "/abstimmung/…/" in text


def test_entry_check_links_never_reach_the_log(written_log, org_a, editor_contact):
    """Fails without the fix: the yearly check's links (/eintrag/<token>/) were written whole."""
    token = EntryCheck.objects.create(organisation=org_a, contact=editor_contact).token
    Client(enforce_csrf_checks=True).post(f"/eintrag/{token}/")  # 403, CSRF
    Client().get(f"/eintrag/{token}x/")  # 404
    logging.getLogger("django.server").info('"GET /eintrag/%s/ HTTP/1.1" 200 512', token)

    text = written_log.getvalue()
    assert "Not Found" in text and "Forbidden (CSRF" in text and "django.server" in text
    assert token not in text and token.split(":")[-1] not in text
    assert "/eintrag/…/" in text
