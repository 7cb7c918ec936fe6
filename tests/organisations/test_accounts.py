import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

from organisations.models import ContactPerson
from tests.conftest import run_worker
from tests.factories import PASSWORD, ContactPersonFactory, UserFactory


@pytest.fixture
def invitee(org_a):
    return ContactPersonFactory(
        organisation=org_a, name="Ines Eingeladen", email="ines@example.org"
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# The worker sends account invitations (as every other mail): these tests commit for real.
by_the_worker = pytest.mark.django_db(transaction=True)


@by_the_worker
def test_invite_staff_sends_link_that_sets_password_and_logs_in(staff, invitee):
    response = staff.post(
        f"/organisationen/{invitee.organisation.slug}/ansprechpersonen/{invitee.pk}/zugang-einladen/",
        follow=True,
    )

    assert "Ines Eingeladen wurde zu einem Zugang eingeladen." in response.text
    assert mail.outbox == []  # the request only queues the mail
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert message.subject == "Ihr Zugang zum Netzwerk Flüchtlingsarbeit Baden-Württemberg"
    assert "Guten Tag Ines Eingeladen," in message.body
    assert message.alternatives[0].mimetype == "text/html"
    invitee.refresh_from_db()
    stamp = int(invitee.account_invited_at.timestamp())
    # Stable, should a worker that died after sending make it go out again.
    assert message.extra_headers["Message-ID"] == f"<account-{invitee.pk}.{stamp}@netzwerk>"

    visitor = Client()
    form_page = visitor.get(link_in(message), follow=True)
    assert "Neues Passwort festlegen" in form_page.text
    new_password = "mein ganz eigener satz zum merken"
    done = visitor.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
        follow=True,
    )

    invitee.refresh_from_db()
    assert invitee.user is not None
    assert invitee.user.check_password(new_password)
    assert int(visitor.session[SESSION_KEY]) == invitee.user.pk
    assert "Abmelden" in done.text
    assert "Ines Eingeladen" in done.text  # allauth's greeting names the person, not a username


@by_the_worker
def test_invite_link_works_once(staff, invitee):
    staff.post(
        f"/organisationen/{invitee.organisation.slug}/ansprechpersonen/{invitee.pk}/zugang-einladen/"
    )
    run_worker()
    link = link_in(mail.outbox[0])
    visitor = Client()
    page = visitor.get(link, follow=True)
    visitor.post(page.redirect_chain[-1][0], {"password1": "x" * 20, "password2": "x" * 20})

    again = Client().get(link, follow=True)

    assert "Ungültiger Link" in again.text


@by_the_worker
def test_invite_admin_action(staff, invitee):
    response = staff.post(
        "/admin/organisations/contactperson/",
        {"action": "invite_to_account", ACTION_CHECKBOX_NAME: [str(invitee.pk)]},
        follow=True,
    )

    assert "1 Einladung wird versandt." in response.text
    run_worker()
    assert mail.outbox[0].to == ["ines@example.org"]
    invitee.refresh_from_db()
    assert invitee.user.email == "ines@example.org"


def test_invite_refuses_address_of_another_contacts_account(staff, org_b, member_contact):
    twin = ContactPersonFactory(organisation=org_b, email=member_contact.email.upper())

    response = staff.post(
        f"/organisationen/{org_b.slug}/ansprechpersonen/{twin.pk}/zugang-einladen/", follow=True
    )

    assert "gehört bereits zu einem anderen Kontakteintrag" in response.text
    assert mail.outbox == []


def test_signup_is_closed(anonymous):
    response = anonymous.get("/konto/signup/")

    assert "Keine offene Registrierung" in response.text
    assert "<form" not in response.text.split("<main")[1].split("</main>")[0].replace(
        'class="language-form"', ""
    )


def test_login_code_for_unknown_address_sends_nothing(anonymous):
    anonymous.post("/konto/login/code/", {"email": "niemand@example.org"})

    assert mail.outbox == []


def test_login_code_for_member_logs_in(anonymous, member_contact):
    anonymous.post("/konto/login/code/", {"email": member_contact.email})
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[0].body).group(0)

    anonymous.post("/konto/login/code/confirm/", {"code": code})

    assert int(anonymous.session[SESSION_KEY]) == member_contact.user.pk


def test_login_with_password(anonymous, member_contact):
    response = anonymous.post(
        "/konto/login/", {"login": member_contact.email, "password": PASSWORD}, follow=True
    )

    assert int(anonymous.session[SESSION_KEY]) == member_contact.user.pk
    assert "Abmelden" in response.text


def test_login_with_wrong_password_says_so_in_german(anonymous, member_contact):
    response = anonymous.post(
        "/konto/login/", {"login": member_contact.email, "password": "falsch"}
    )

    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in response.text
    assert SESSION_KEY not in anonymous.session


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("kurz-123", False),
        ("password1234", False),
        ("ein langer satz aus kleinen woertern" * 2, True),
    ],
)
def test_password_change_rules(member, member_contact, password, accepted):
    response = member.post(
        "/konto/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )

    member_contact.user.refresh_from_db()
    assert member_contact.user.check_password(password) is accepted
    if not accepted:
        assert response.status_code == 200
        assert "Passwort" in response.text


def test_logout_needs_post(member):
    page = member.get("/konto/logout/")
    assert "Möchten Sie sich wirklich abmelden?" in page.text
    assert SESSION_KEY in member.session

    member.post("/konto/logout/")

    assert SESSION_KEY not in member.session


def test_password_reset_answers_the_same_for_unknown_addresses(anonymous, member_contact):
    known = anonymous.post("/konto/password/reset/", {"email": member_contact.email}, follow=True)
    unknown = anonymous.post("/konto/password/reset/", {"email": "nie@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) == 1


def test_inactive_users_are_not_members(db, org_a):
    user = UserFactory(is_active=False)
    ContactPersonFactory(organisation=org_a, user=user, email=user.email)
    client = Client()
    client.force_login(user)

    response = client.get(f"/organisationen/{org_a.slug}/")

    assert user.email not in response.text


@by_the_worker
def test_an_invited_person_shows_as_invited_until_the_link_expires_and_can_be_invited_again(
    staff, invitee
):
    organisation = invitee.organisation
    url = f"/organisationen/{organisation.slug}/ansprechpersonen/{invitee.pk}/zugang-einladen/"
    staff.post(url)
    run_worker()
    invitee.refresh_from_db()
    valid = timezone.localtime(invitee.account_link_valid_until)

    home = staff.get("/geschaeftsstelle/zugaenge/", {"suche": "ines"}).text
    page = staff.get(invitee.organisation.get_absolute_url()).text

    expected = f"eingeladen am {timezone.localtime(invitee.account_invited_at):%-d}."
    assert expected in home and f"Link gültig bis {valid:%-d}." in home
    assert "Hat einen Zugang" not in page and "Erneut einladen" in page
    ContactPerson.objects.filter(pk=invitee.pk).update(
        account_invited_at=invitee.account_invited_at - datetime.timedelta(days=3, minutes=1)
    )
    assert (
        "Link abgelaufen" in staff.get("/geschaeftsstelle/zugaenge/", {"zugang": "abgelaufen"}).text
    )
    staff.post(url)  # invited again: a fresh link
    run_worker()
    assert [message.to for message in mail.outbox] == [[invitee.email]] * 2
    invitee.refresh_from_db()
    assert invitee.account_state == "invited"


def test_the_office_searches_and_filters_those_without_an_account(staff, org_a, member_contact):
    ContactPersonFactory(organisation=org_a, name="Nora Neu")
    invited = ContactPersonFactory(
        organisation=org_a, name="Ida Eingeladen", account_invited_at=timezone.now()
    )
    member_contact.user.last_login = timezone.now()
    member_contact.user.save()

    everyone = staff.get("/geschaeftsstelle/zugaenge/").text
    searched = staff.get("/geschaeftsstelle/zugaenge/", {"suche": "nora"}).text
    invited_only = staff.get("/geschaeftsstelle/zugaenge/", {"zugang": "eingeladen"}).text
    nobody = staff.get("/geschaeftsstelle/zugaenge/", {"suche": "gibt es nicht"}).text

    assert "Nora Neu" in everyone and invited.name in everyone
    assert member_contact.name not in everyone  # has logged in: uses an account
    assert "Nora Neu" in searched and invited.name not in searched
    assert invited.name in invited_only and "Nora Neu" not in invited_only
    assert "Niemand passt dazu." in nobody
