import re
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from organisations.models import ContactPerson, Organisation, Region
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, MeetingFactory, TopicFactory
from tests.test_permissions import MATRIX, PERSONAS

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"


def test_no_pending_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_german_catalogue_is_complete_and_compiled():
    po = polib.pofile(CATALOGUE / "django.po")
    mo = polib.mofile(CATALOGUE / "django.mo")

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy
    compiled = {(entry.msgid, entry.msgstr) for entry in mo if not entry.msgid_plural}
    assert {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural} <= compiled


def test_german_catalogue_speaks_formal_sie():
    po = polib.pofile(CATALOGUE / "django.po")
    informal = re.compile(r"\b(du|dich|dein\w*|dir)\b", re.IGNORECASE)

    assert [e.msgstr for e in po if informal.search(e.msgstr)] == []


PAGES = [row for row in MATRIX if row[1] == "get" and "{" not in row[2]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_has_one_h1_and_german(request, persona, org_a, editor_contact):
    client = request.getfixturevalue(persona)
    for _name, _method, path, expected in PAGES:
        if expected[PERSONAS.index(persona)] != 200:
            continue
        response = client.get(path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        assert response.text.count("<h1") == 1, path
        if path.startswith("/admin/"):
            continue  # the admin has its own layout and title
        title = re.search(r"<title>(.*?)</title>", response.text, re.DOTALL).group(1)
        assert re.fullmatch(
            r"\s*\S.*\S\s* · Netzwerk Flüchtlingsarbeit Baden-Württemberg", title, re.DOTALL
        )
        assert '<html lang="de"' in response.text, path


def test_404_page_is_german(anonymous):
    response = anonymous.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.django_db(transaction=True)  # the worker sends the account invitation
def test_script_text_is_escaped_everywhere(staff, org_a, editor_contact):
    topic = TopicFactory(name=f"Thema {SCRIPT}")
    Organisation.objects.filter(pk=org_a.pk).update(
        short_name=SCRIPT[:50],
        description=SCRIPT,
        street=SCRIPT,
        city=SCRIPT,
        languages=SCRIPT,
        name=f"Caritas {SCRIPT}",
    )
    org_a.topics.set([topic])
    contact = ContactPersonFactory(organisation=org_a, name=SCRIPT, role=SCRIPT)
    contact.topics.set([topic])

    for path in [
        "/",
        "/organisationen/",
        f"/organisationen/{org_a.slug}/",
        f"/organisationen/{org_a.slug}/bearbeiten/",
        contact.get_edit_url(),
        "/geschaeftsstelle/",
    ]:
        response = staff.get(path)
        assert response.status_code == 200
        assert "<script>alert" not in response.text, path
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in staff.get(f"/organisationen/{org_a.slug}/").text
    )

    staff.post(f"/organisationen/{org_a.slug}/ansprechpersonen/{contact.pk}/zugang-einladen/")
    run_worker()
    html = mail.outbox[0].alternatives[0].content
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db(transaction=True)  # the worker sends the account invitation
def test_name_with_line_break_cannot_add_mail_headers(staff, org_a):
    contact = ContactPersonFactory(organisation=org_a, name="Eve\r\nBcc: opfer@example.org")

    staff.post(f"/organisationen/{org_a.slug}/ansprechpersonen/{contact.pk}/zugang-einladen/")
    run_worker()

    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert mail.outbox[0].recipients() == [contact.email]


def test_regions_ship_with_the_migration(db):
    assert Region.objects.count() == 45
    assert Region.objects.filter(kind="statewide").get().name == "landesweit"
    assert Region.objects.filter(kind="urban").count() == 9
    assert Region.objects.filter(kind="rural").count() == 35
    assert list(Region.objects.values_list("name", flat=True)[:2]) == [
        "landesweit",
        "Alb-Donau-Kreis",
    ]


def test_demo_data_creates_the_demo_logins(db, settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("demo_data", stdout=out)

    User = get_user_model()
    for email in ["staff@example.org", "redaktion@example.org", "mitglied@example.org"]:
        assert User.objects.get(email=email).check_password("netzwerk-demo")
    assert User.objects.get(email="staff@example.org").is_staff
    editor = ContactPerson.objects.get(user__email="redaktion@example.org")
    member = ContactPerson.objects.get(user__email="mitglied@example.org")
    other = ContactPerson.objects.get(user__email="andere@example.org")
    assert editor.is_editor and not member.is_editor and not other.is_editor
    assert editor.organisation == member.organisation != other.organisation
    assert Organisation.objects.count() >= 20
    assert Organisation.objects.filter(in_core_circle=True).exists()
    assert Organisation.objects.filter(listed_publicly=False).exists()
    assert "netzwerk-demo" in out.getvalue()

    call_command("demo_data", "--if-empty", stdout=out)
    assert User.objects.filter(email="staff@example.org").count() == 1


def test_demo_data_refuses_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("demo_data", stdout=StringIO())

    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/organisations/organisation/",
        "/admin/organisations/organisation/add/",
        "/admin/organisations/organisation/{org}/change/",
        "/admin/organisations/contactperson/",
        "/admin/organisations/contactperson/{contact}/change/",
        "/admin/organisations/topic/",
        "/admin/organisations/region/",
        "/admin/organisations/organisation/?q=caritas&kind__exact=welfare",
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/add/",
        "/admin/meetings/meeting/{meeting}/change/",
    ],
)
def test_admin_pages_work_for_staff(staff, org_a, member_contact, path):
    meeting = MeetingFactory()
    response = staff.get(path.format(org=org_a.pk, contact=member_contact.pk, meeting=meeting.pk))

    assert response.status_code == 200


def test_the_german_catalogue_says_one_thing_one_way():
    """Issue 22, point 7: one name for the answer deadline, for putting a meeting into one's
    calendar, for "maybe"; Django's empty choice in German."""
    po = polib.pofile(CATALOGUE / "django.po")
    german = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po}
    every = " ".join(german.values())

    assert "Anmeldeschluss" not in every and "Bitte antworten Sie bis" not in every
    assert german[(None, "Into my calendar")] == german[(None, "Into your calendar")]
    assert german[(None, "Maybe")] == german[("invitations", "Maybe")] == "Vielleicht"
    assert german[(None, "- Select an option -")] == "– bitte wählen –"


def test_the_login_page_offers_the_password_reset_once(anonymous):
    assert anonymous.get("/konto/login/").text.count("Passwort vergessen?") == 1
