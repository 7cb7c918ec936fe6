"""The network in figures (issue 17): the office's evaluation and the public page, their
figures computed here again from the rows, the CSV, and fixed query counts."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.services import record_attendance
from organisations.models import ContactPerson, Organisation
from tests.conftest import CACHE_WRITE
from tests.factories import (
    ContactPersonFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    settings.DEBUG = False


def held_in(year: int):
    return Meeting.objects.filter(status="held", starts_at__year=year)


def test_the_evaluation_of_the_demo_year_says_what_the_rows_say(demo):
    staff = Client()
    staff.force_login(get_user_model().objects.get(email="staff@example.org"))
    held = list(held_in(2026))
    invitations = Invitation.objects.filter(meeting__in=held).select_related("contact")
    present = [i for i in invitations if i.attended]
    no_shows = [i for i in invitations if i.answer == "yes" and i.attended is False]
    core = set(Organisation.objects.filter(in_core_circle=True).values_list("pk", flat=True))
    core_present = sum(
        len({i.contact.organisation_id for i in present if i.meeting_id == m.pk} & core)
        for m in held
    )
    rate = round(100 * core_present / (len(core) * len(held)))
    invited = {i.contact.organisation_id for i in invitations}
    came = {i.contact.organisation_id for i in present}
    never = Organisation.objects.filter(pk__in=invited - came).order_by("name")

    page = staff.get("/geschaeftsstelle/auswertung/?jahr=2026").text

    assert (len(held), len(present), len(no_shows), rate) == (2, 39, 17, 93)
    assert [o.name for o in never] == [
        "Arbeitskreis Asyl Tübingen",
        "Ausländerbehörde Stuttgart",
        "Jugendmigrationsdienst Heilbronn",
    ]
    assert "<strong>2</strong> Treffen stattgefunden" in page
    assert "<strong>1</strong> abgesagt" in page
    assert f"<strong>{len(present)}</strong> Personen anwesend" in page
    assert f"<strong>{len(came)}</strong> anwesende Organisationen" in page
    assert f"<strong>{rate} %</strong> Teilnahme des Stammkreises" in page
    assert f"<strong>{len(no_shows)}</strong> haben zugesagt und kamen nicht" in page
    for organisation in never:
        assert f"<li>{organisation.name}</li>" in page


def test_the_public_page_shows_the_demo_meetings_and_no_person(demo, anonymous):
    page = anonymous.get("/netzwerk-in-zahlen/").text

    assert "24 Personen aus 21 Organisationen" in page
    assert "15 Personen aus 13 Organisationen" in page
    listed = Organisation.objects.filter(listed_publicly=True).count()
    assert f"{listed} Organisationen sind öffentlich im Verzeichnis" in page
    for contact in ContactPerson.objects.all():
        assert contact.email not in page
        assert contact.name not in page
    for unlisted in Organisation.objects.filter(listed_publicly=False):
        assert unlisted.name not in page
    # None of the office's figures.
    for office_only in ("zugesagt", "Stammkreis", "nie dabei", "Absage", "Zusage"):
        assert office_only not in page


def test_the_public_page_counts_listed_organisations_and_public_meetings_only(anonymous, db):
    listed = OrganisationFactory(kind="union")
    OrganisationFactory(kind="union", listed_publicly=False)
    last_year = timezone.now().replace(year=timezone.now().year - 1)
    MeetingFactory(
        title="Offenes Treffen",
        status="held",
        starts_at=last_year,
        ends_at=last_year + datetime.timedelta(hours=3),
        participants_count=2,
        organisations_count=2,
    )
    MeetingFactory(
        title="Interne Klausur",
        status="held",
        is_public=False,
        starts_at=last_year,
        ends_at=last_year + datetime.timedelta(hours=3),
        participants_count=30,
        organisations_count=12,
    )

    page = anonymous.get("/netzwerk-in-zahlen/").text

    assert listed.name not in page  # figures, not a list of names
    assert "1 Organisation ist öffentlich im Verzeichnis" in page
    assert "Offenes Treffen" in page and "weniger als 3 Personen" in page
    assert "2 Personen aus 2 Organisationen" not in page  # too few: it could single them out
    assert "Interne Klausur" not in page


def test_the_csv_holds_the_organisations_table_with_formulas_neutralised(staff, db):
    meeting = MeetingFactory(status="held", starts_at=timezone.now() - datetime.timedelta(days=3))
    tricky = OrganisationFactory(name='=HYPERLINK("http://x.example")')
    InvitationFactory(meeting=meeting, contact=ContactPersonFactory(organisation=tricky))
    InvitationFactory(meeting=meeting, attended=True)

    response = staff.get(
        f"/geschaeftsstelle/auswertung/organisationen.csv?jahr={meeting.starts_at.year}"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Organisation",
        "Art",
        "Stammkreis",
        "Treffen eingeladen",
        "Treffen besucht",
    ]
    assert len(rows) == 3
    assert '\'=HYPERLINK("http://x.example")' in [row[0] for row in rows]
    assert ["1", "1"] in [row[3:] for row in rows]


def test_a_wrong_period_is_said_and_the_current_year_shown(staff, db):
    response = staff.get("/geschaeftsstelle/auswertung/?von=2026-05-01&bis=2026-04-01")

    assert response.status_code == 200
    assert "Der Zeitraum endet, bevor er beginnt." in response.text
    assert f"Auswertung: {timezone.localdate().year}" in response.text


def test_a_period_from_day_to_day_counts_both_days(staff, db):
    day = timezone.now().replace(year=2025, month=3, day=31, hour=18)
    MeetingFactory(status="held", starts_at=day, ends_at=day + datetime.timedelta(hours=2))

    inside = staff.get("/geschaeftsstelle/auswertung/?von=2025-03-01&bis=2025-03-31").text
    outside = staff.get("/geschaeftsstelle/auswertung/?von=2025-04-01&bis=2025-04-30").text

    assert "<strong>1</strong> Treffen stattgefunden" in inside
    assert "<strong>0</strong> Treffen stattgefunden" in outside


def past_meetings(count: int):
    year = timezone.now().year - 1
    for number in range(count):
        start = timezone.now().replace(year=year, month=1 + number % 12, day=1 + number % 28)
        meeting = MeetingFactory(
            status="cancelled" if number % 5 == 4 else "held",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            participants_count=5,
            organisations_count=4,
        )
        InvitationFactory(meeting=meeting, answer="yes", attended=bool(number % 2))
    return year


@pytest.mark.parametrize("count", [1, 300])
def test_the_evaluation_and_the_public_page_have_fixed_query_counts(
    django_assert_num_queries, staff, anonymous, count
):
    year = past_meetings(count)
    # 1 session, 2 user, 3 second factor, 4 the invitations' latest change, 5 the latest change
    # of meetings, organisations and persons, 6 the kept rendering; the first time also 7 the
    # years, 8 the meetings, 9 their invitations, 10 the organisations, 11-12 their regions
    # and topics, and writing the rendering
    with django_assert_num_queries(12 + CACHE_WRITE):
        staff.get(f"/geschaeftsstelle/auswertung/?jahr={year}")
    with django_assert_num_queries(6):
        staff.get(f"/geschaeftsstelle/auswertung/?jahr={year}")
    # 1 the state of organisations and meetings, 2 the kept rendering; the first time also
    # 3 the listed organisations, 4 by kind, 5 by region, 6 by topic, 7 the meetings held and
    # writing the rendering
    with django_assert_num_queries(7 + CACHE_WRITE):
        anonymous.get("/netzwerk-in-zahlen/")
    with django_assert_num_queries(2):
        anonymous.get("/netzwerk-in-zahlen/")


def test_the_kept_evaluation_follows_answers_attendance_and_names(staff, db):
    start = timezone.now() - datetime.timedelta(days=2)
    meeting = MeetingFactory(status="held", starts_at=start)
    first = InvitationFactory(meeting=meeting, contact__organisation__name="Refugio")
    second = InvitationFactory(meeting=meeting)
    url = f"/geschaeftsstelle/auswertung/?jahr={start.year}"
    assert "<strong>0</strong> Personen anwesend" in staff.get(url).text

    record_attendance(meeting=meeting, present_ids={first.pk})
    assert "<strong>1</strong> Personen anwesend" in staff.get(url).text

    second.refresh_from_db()
    second.answer = "yes"
    second.save()
    assert "<strong>1</strong> haben zugesagt und kamen nicht" in staff.get(url).text

    Organisation.objects.filter(pk=first.contact.organisation_id).update(
        name="Refugio Stuttgart", updated_at=timezone.now()
    )
    assert "Refugio Stuttgart" in staff.get(url).text


def test_only_meetings_with_recorded_attendance_count_for_who_came_and_who_never_did(staff, db):
    start = timezone.now() - datetime.timedelta(days=5)
    recorded = MeetingFactory(status="held", starts_at=start)
    unrecorded = MeetingFactory(status="held", starts_at=start)
    came = InvitationFactory(meeting=recorded, reason="core_circle")
    InvitationFactory(meeting=recorded, reason="core_circle", contact__organisation__name="Fern")
    InvitationFactory(meeting=unrecorded, contact__organisation__name="Nur unerfasst")
    record_attendance(meeting=recorded, present_ids={came.pk})

    page = staff.get(f"/geschaeftsstelle/auswertung/?jahr={start.year}").text

    assert "<li>Fern</li>" in page
    assert "Nur unerfasst" not in page  # neither present nor never present: not recorded
    # The core circle as invited then: one of two organisations came.
    assert "<strong>50 %</strong> Teilnahme des Stammkreises (2 Organisationen)" in page
    assert "Die Anwesenheit ist für 1 von 2 stattgefundenen Treffen erfasst" in page


@pytest.mark.parametrize(
    "query", ["von=0001-01-01&bis=0001-01-02", "von=2026-01-01&bis=9999-12-31", "jahr=abc"]
)
def test_days_out_of_range_are_said_not_a_bad_request(staff, db, query):
    response = staff.get(f"/geschaeftsstelle/auswertung/?{query}")

    assert response.status_code == 200
    assert f"Auswertung: {timezone.localdate().year}" in response.text
