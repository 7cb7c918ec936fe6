"""QUALITY.md → Authentication: passwords, throttled logins, no accounts from migrations
(login codes, resets, logout: tests/organisations/test_accounts.py; sessions:
test_sessions.py; second factor: tests/organisations/test_mfa.py)."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("a" * 11 + "b", True),  # 12 characters, no composition rules
        ("kurzes-pw1", False),  # 10 characters
        ("password1234", False),  # too common
        ("111111111111", False),  # too common
        ("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", True),  # 64 lower
    ],
)
def test_password_rules(member, member_contact, password, accepted):
    member.post(
        "/konto/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )

    member_contact.user.refresh_from_db()
    assert member_contact.user.check_password(password) is accepted


def test_failed_logins_are_throttled_per_account(member_contact):
    for attempt in range(5):
        Client(REMOTE_ADDR=f"192.0.2.{attempt}").post(
            "/konto/login/", {"login": member_contact.email, "password": "falsch-falsch"}
        )

    # From yet another address, with the right password: the account is locked for a while.
    response = Client(REMOTE_ADDR="192.0.2.99").post(
        "/konto/login/", {"login": member_contact.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.text


def test_failed_logins_are_throttled_per_address(db):
    client = Client(REMOTE_ADDR="198.51.100.77")
    pages = [
        client.post(
            "/konto/login/", {"login": f"niemand{n}@example.org", "password": "falsch-falsch"}
        )
        for n in range(11)
    ]

    assert "Zu viele fehlgeschlagene Anmeldeversuche" not in pages[9].text
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in pages[10].text
    other = Client(REMOTE_ADDR="198.51.100.78").post(
        "/konto/login/", {"login": "niemand@example.org", "password": "falsch-falsch"}
    )
    assert "Zu viele fehlgeschlagene Anmeldeversuche" not in other.text


def test_migrations_create_no_account(db):
    assert not get_user_model().objects.exists()


def test_login_codes_expire(member_contact):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as clock:
        client.post("/konto/login/code/", {"email": member_contact.email})
        code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[0].body).group(0)
        clock.shift(datetime.timedelta(minutes=4))

        client.post("/konto/login/code/confirm/", {"code": code})

    assert SESSION_KEY not in client.session


def test_password_reset_links_expire(member_contact):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        Client().post("/konto/password/reset/", {"email": member_contact.email})
        link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
        path = "/" + link.split("/", 3)[3]
        assert 'name="password1"' in Client().get(path, follow=True).text
        clock.shift(datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))

        page = Client().get(path, follow=True).text

    assert 'name="password1"' not in page
    assert "Neues Passwort festlegen" not in page
