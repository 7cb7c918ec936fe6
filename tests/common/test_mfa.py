"""A second factor for staff before the office's pages and the admin (allauth.mfa)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory

STAFF_PAGES = ["/geschaeftsstelle/", "/admin/", "/admin/meetings/meeting/"]


@pytest.fixture
def staff_without_factor(db):
    return UserFactory(email="neu@example.org", is_staff=True, is_superuser=True)


def log_in(email):
    client = Client()
    response = client.post("/konto/login/", {"login": email, "password": PASSWORD})
    return client, response


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_without_a_second_factor_are_led_to_set_one_up(staff_without_factor, path):
    client = Client()
    client.force_login(staff_without_factor)

    response = client.get(path, follow=True)

    assert response.redirect_chain[0] == ("/konto/2fa/", 302)
    assert "bitte richten Sie zuerst einen zweiten Faktor ein" in response.text
    assert "Authentifizierungs-App" in response.text or "Authenticator" in response.text


def test_members_are_not_asked_for_a_second_factor(member):
    assert member.get("/konto/").status_code == 200
    assert member.get("/organisationen/").status_code == 200


def test_password_alone_does_not_log_staff_with_a_factor_in(staff_user):
    client, response = log_in(staff_user.email)

    assert response.status_code == 302
    assert response.url == "/konto/2fa/authenticate/"
    assert client.get("/geschaeftsstelle/").status_code == 302  # still logged out
    assert client.get("/geschaeftsstelle/").url.startswith("/konto/login/")

    wrong = client.post("/konto/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/geschaeftsstelle/").url.startswith("/konto/login/")

    client.post("/konto/2fa/authenticate/", {"code": totp_code()})
    assert client.get("/geschaeftsstelle/").status_code == 200


def test_admin_login_form_is_not_a_way_around_the_second_factor(staff_user):
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url == "/konto/login/?next=/admin/"
    # Posting the admin's form goes nowhere either: the route is a redirect.
    posted = Client().post("/admin/login/", {"username": staff_user.username, "password": PASSWORD})
    assert posted.status_code == 302 and posted.url.startswith("/konto/login/")


def test_staff_set_up_an_authenticator_app_then_reach_the_office(staff_without_factor):
    client, response = log_in(staff_without_factor.email)
    assert client.get("/geschaeftsstelle/").url == "/konto/2fa/"

    # allauth asks for the password again before a factor is added.
    assert client.get("/konto/2fa/totp/activate/").url.startswith("/konto/reauthenticate/")
    client.post("/konto/reauthenticate/", {"password": PASSWORD})
    page = client.get("/konto/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    activated = client.post("/konto/2fa/totp/activate/", {"code": totp_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(
        user=staff_without_factor, type=Authenticator.Type.TOTP
    ).exists()
    assert client.get("/geschaeftsstelle/").status_code == 200


def test_the_code_page_has_a_filled_login_button_and_no_empty_box(staff_user):
    client = Client()
    client.post("/konto/login/", {"login": staff_user.email, "password": PASSWORD})

    page = client.get("/konto/2fa/authenticate/").text

    assert '<button class="button" type="submit">' in " ".join(page.split())
    assert 'class="panel" id="webauthn_form"' not in page
