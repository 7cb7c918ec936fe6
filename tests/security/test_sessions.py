"""QUALITY.md → Security → Authentication and sessions: session lifetime and cookies
(passwords, login codes and resets: tests/organisations/test_accounts.py; second factor:
tests/organisations/test_mfa.py; production cookies: test_headers_and_errors.py)."""

import datetime

import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD


def logged_in(user) -> Client:
    client = Client()
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_idle_session_ends_after_the_idle_timeout(member_contact):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in(member_contact.user)
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 120))
        assert client.get("/konto/").status_code == 200  # still within the idle time
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))

        response = client.get("/konto/", follow=True)

    assert response.redirect_chain[0][0].startswith("/konto/login/?next=/konto/")
    assert "Zu Ihrer Sicherheit wurden Sie abgemeldet" in response.text
    assert SESSION_KEY not in client.session


def test_active_session_still_ends_at_its_maximum_lifetime(member_contact):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in(member_contact.user)
        step = settings.SESSION_IDLE_TIMEOUT // 2
        for _ in range(settings.SESSION_COOKIE_AGE // step - 1):  # active every half idle time
            clock.shift(datetime.timedelta(seconds=step))
            assert client.get("/konto/").status_code == 200
        clock.shift(datetime.timedelta(seconds=step + 1))

        assert client.get("/konto/").status_code == 302


def test_session_key_changes_at_login(member_contact):
    client = Client()
    client.get("/konto/login/")
    client.cookies["sessionid"] = "x" * 32
    before = client.session.session_key

    client.post("/konto/login/", {"login": member_contact.email, "password": PASSWORD})

    assert client.session.session_key != before


def test_logout_is_post_only_and_ends_the_session_on_the_server(member_contact):
    client = logged_in(member_contact.user)
    key = client.session.session_key

    assert client.get("/konto/logout/").status_code == 200  # a confirmation page, still in
    assert client.get("/konto/").status_code == 200
    client.post("/konto/logout/")

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/konto/").status_code == 302


def test_password_change_ends_the_other_sessions(member_contact):
    laptop, phone = logged_in(member_contact.user), logged_in(member_contact.user)
    new = "ein neuer langer satz fuer das konto"

    laptop.post(
        "/konto/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )

    assert laptop.get("/konto/").status_code == 200
    assert phone.get("/konto/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(member_contact):
    client = logged_in(member_contact.user)
    member_contact.user.is_active = False
    member_contact.user.save()

    assert client.get("/konto/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(member_contact):
    client = Client()
    client.post("/konto/login/", {"login": member_contact.email, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"]  # DEBUG is off in the tests, as in production
