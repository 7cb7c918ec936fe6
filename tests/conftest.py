"""Personas: staff, editor (of organisation A), member (of A, not editor), outsider (member of
organisation B), anonymous."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mailings.models import Mailing, Recipient
from meetings.models import (
    DatePoll,
    ParticipationRequest,
    PollParticipant,
    PollSlot,
    SubstituteProposal,
)
from organisations.models import DirectoryImport, EntryCheck
from tests.factories import (
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.mailserver import smtp  # noqa: F401 (a fixture for every test)

STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _german_and_plain_static(settings):
    settings.LANGUAGE_CODE = "de"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # A fast hasher: the suite creates many users; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Caritas Stuttgart", slug="caritas-stuttgart")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Jugendring Ulm", slug="jugendring-ulm")


@pytest.fixture
def staff_user(db):
    """Staff with a second factor (an authenticator app), as the office pages require."""
    user = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


# Writing an entry to the database cache: count the entries (culling), savepoint, look up,
# insert, release (none of it with REDIS_URL).
CACHE_WRITE = 5


def main_part(response) -> str:
    """The page's <main> (outside it, the CSP nonce differs per request), or all of a file."""
    page = response.content.decode()
    if "<main" not in page:
        return page
    return page[page.index("<main") : page.index("</main>")]


def run_worker():
    """The task worker as production runs it (`worker`), in this process, until the queue is
    empty. Tests that use it commit for real: `django_db(transaction=True)`."""
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The code an authenticator app shows now for `secret`."""
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def editor_contact(org_a):
    user = UserFactory(email="redaktion@example.org")
    return ContactPersonFactory(
        organisation=org_a, name="Erika Redaktion", email=user.email, user=user, is_editor=True
    )


@pytest.fixture
def member_contact(org_a):
    user = UserFactory(email="mitglied@example.org")
    return ContactPersonFactory(
        organisation=org_a, name="Mira Mitglied", email=user.email, user=user
    )


@pytest.fixture
def outsider_contact(org_b):
    user = UserFactory(email="andere@example.org")
    return ContactPersonFactory(organisation=org_b, name="Omar Andere", email=user.email, user=user)


def _client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anonymous(db):
    return Client()


@pytest.fixture
def staff(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def staff_without_second_factor(db):
    """A staff account that has not set up its second factor yet."""
    return _client_for(UserFactory(email="neu-im-team@example.org", is_staff=True))


@pytest.fixture
def editor(editor_contact):
    return _client_for(editor_contact.user)


@pytest.fixture
def member(member_contact):
    return _client_for(member_contact.user)


@pytest.fixture
def outsider(outsider_contact):
    return _client_for(outsider_contact.user)


@pytest.fixture
def matrix_objects(org_a, org_b, member_contact, editor_contact, outsider_contact):
    """The objects the permission matrix's paths refer to, by placeholder."""
    unlisted = OrganisationFactory(name="Interne Stelle", slug="interne-stelle")
    unlisted.listed_publicly = False
    unlisted.save()
    other = ContactPersonFactory(organisation=org_a, name="Olga Ohnezugang")
    other_b = ContactPersonFactory(organisation=org_b, name="Bernd Ohnezugang")
    meeting = MeetingFactory(
        title="Vernetzungstreffen Gesundheit", online_link="https://x.example.org/raum"
    )
    internal = MeetingFactory(title="Interne Klausur", is_public=False)
    announced = MeetingFactory(
        title="Kinder und Jugendliche",
        status="announced",
        starts_at=None,
        ends_at=None,
        period_year=timezone.now().year + 1,
        period_quarter=1,
    )
    invitation = InvitationFactory(meeting=meeting, contact=member_contact)
    proposed = InvitationFactory(meeting=meeting, contact__organisation=org_b)
    proposal = SubstituteProposal.objects.create(
        invitation=proposed, name="Vera Vorschlag", email="vera@example.org"
    )
    poll = DatePoll.objects.create(
        meeting=announced, deadline=timezone.now() + datetime.timedelta(days=10)
    )
    start = timezone.now() + datetime.timedelta(days=40)
    slot = PollSlot.objects.create(
        poll=poll, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    PollSlot.objects.create(
        poll=poll,
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, hours=3),
    )
    asked = PollParticipant.objects.create(poll=poll, contact=member_contact, reason="staff")
    request = ParticipationRequest.objects.create(
        meeting=meeting, name="Rana Anfrage", organisation_name="Initiative", email="r@example.org"
    )
    check = EntryCheck.objects.create(organisation=org_a, contact=editor_contact)
    upload = DirectoryImport.objects.create(
        file_name="adressen.csv",
        data=b"Organisation;Name;E-Mail\nNeue Initiative;Nora Neu;nora@example.org\n",
        header=["Organisation", "Name", "E-Mail"],
        mapping={"0": "organisation", "1": "name", "2": "email"},
    )
    mailing = Mailing.objects.create(subject="Rundbrief", body="Liebe Alle")
    mailed = Recipient.objects.create(mailing=mailing, contact=member_contact)
    return {
        "mailing_pk": mailing.pk,
        "mailing_token": mailed.token,
        "check_token": check.token,
        "import_pk": upload.pk,
        "a_pk": org_a.pk,
        "proposal_pk": proposal.pk,
        "request_pk": request.pk,
        "poll_token": asked.token,
        "slot_pk": slot.pk,
        "token": invitation.token,
        "invitation_pk": invitation.pk,
        "meeting": meeting.slug,
        "internal_meeting": internal.slug,
        "announced": announced.slug,
        "a": org_a.slug,
        "b": org_b.slug,
        "unlisted": unlisted.slug,
        "member_pk": member_contact.pk,
        "other_pk": other.pk,
        "b_other_pk": other_b.pk,
    }
