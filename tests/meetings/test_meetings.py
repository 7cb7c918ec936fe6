import datetime
import json
import re
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Meeting
from tests.conftest import CACHE_WRITE, main_part
from tests.factories import MeetingFactory, TopicFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def october(db):
    return MeetingFactory(
        title="Vernetzungstreffen Aufenthalt",
        status=Meeting.Status.HELD,
        starts_at=berlin(2026, 10, 27, 14),
        ends_at=berlin(2026, 10, 27, 17),
        participants_count=24,
        organisations_count=21,
        minutes="Wir haben eine Stellungnahme verabredet.",
        minutes_visibility=Meeting.MinutesVisibility.PUBLIC,
    )


def test_meeting_labels_in_german(october):
    announced = MeetingFactory.build(
        starts_at=None, ends_at=None, period_year=2027, period_quarter=1
    )
    march = MeetingFactory.build(starts_at=None, ends_at=None, period_year=2027, period_month=3)

    assert october.when_label == "Dienstag, 27. Oktober 2026, 14:00–17:00 Uhr"
    assert october.attendance_label == "24 Personen aus 21 Organisationen"
    assert announced.period_label == "1. Quartal 2027"
    assert announced.planned_label == "geplant für das 1. Quartal 2027"
    assert march.period_label == "März 2027"
    assert march.planned_label == "geplant für März 2027"


@pytest.mark.parametrize(
    ("change", "raises"),
    [
        ({"starts_at": berlin(2026, 10, 27, 15)}, True),
        ({"ends_at": berlin(2026, 10, 27, 18)}, True),
        ({"venue_name": "Rathaus"}, True),
        ({"venue_address": "Marktplatz 1, 70173 Stuttgart"}, True),
        ({"status": Meeting.Status.CANCELLED}, True),
        ({"description": "Nur der Text ist neu."}, False),
        ({"title": "Neuer Titel"}, False),
    ],
)
def test_meeting_sequence_rises_when_the_calendar_entry_changes(october, change, raises):
    for field, value in change.items():
        setattr(october, field, value)

    october.save()

    october.refresh_from_db()
    assert october.sequence == (1 if raises else 0)


def test_meeting_end_before_start_is_refused_by_the_database(october):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=october.pk).update(ends_at=berlin(2026, 10, 27, 13))


def admin_data(theme, **fields):
    data = {
        "title": "Neues Treffen",
        "slug": "neues-treffen",
        "theme": str(theme.pk),
        "status": "scheduled",
        "is_public": "on",
        "minutes_visibility": "members",
        "starts_at_0": "10.12.2026",
        "starts_at_1": "14:00",
        "ends_at_0": "10.12.2026",
        "ends_at_1": "17:00",
    }
    return data | fields


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_at_1": "12:00"}, "Das Ende muss nach dem Beginn liegen."),
        (
            {
                "status": "announced",
                "starts_at_0": "",
                "starts_at_1": "",
                "ends_at_0": "",
                "ends_at_1": "",
                "period_quarter": "1",
            },
            "Zu einem Quartal oder Monat gehört eine Jahresangabe.",
        ),
        (
            {"period_year": "2027", "period_quarter": "1", "period_month": "3"},
            "entweder ein Quartal oder einen Monat",
        ),
        ({"ends_at_0": "", "ends_at_1": ""}, "braucht ein Ende"),
        ({"status": "cancelled"}, "Bitte geben Sie den Grund der Absage an."),
        ({"online_link": "http://unverschluesselt.example.org"}, "gültige Adresse"),
    ],
)
def test_meeting_admin_bad_input_gets_german_errors(staff, db, fields, message):
    theme = TopicFactory()

    response = staff.post("/admin/meetings/meeting/add/", admin_data(theme, **fields))

    assert response.status_code == 200
    assert message in response.text
    assert not Meeting.objects.exists()


def test_meeting_admin_saves_a_good_meeting(staff, db):
    theme = TopicFactory()

    staff.post("/admin/meetings/meeting/add/", admin_data(theme))

    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at) == berlin(2026, 12, 10, 14)


def titles(response):
    return re.findall(r'<h[23]><a href="/treffen/[^"]+/">([^<]+)</a></h[23]>', response.text)


def test_meeting_list_orders_dated_and_announced_meetings(anonymous, october):
    year = timezone.now().year + 1
    MeetingFactory(
        title="Im März", starts_at=berlin(year, 3, 10, 14), ends_at=berlin(year, 3, 10, 17)
    )
    MeetingFactory(
        title="Irgendwann im ersten Quartal",
        status=Meeting.Status.ANNOUNCED,
        starts_at=None,
        ends_at=None,
        period_year=year,
        period_quarter=1,
    )
    MeetingFactory(title="Im Mai", starts_at=berlin(year, 5, 5, 10), ends_at=berlin(year, 5, 5, 12))
    MeetingFactory(title="Intern", is_public=False)

    response = anonymous.get("/treffen/")

    assert titles(response) == ["Irgendwann im ersten Quartal", "Im März", "Im Mai"]
    assert f"geplant für das 1. Quartal {year}" in response.text
    assert "Vernetzungstreffen Aufenthalt" not in response.text  # held: in the archive


def test_meeting_list_filters_by_theme(anonymous, db):
    health = TopicFactory(name="Gesundheit", slug="gesundheit")
    MeetingFactory(title="Zur Gesundheit", theme=health)
    MeetingFactory(title="Zu etwas anderem")

    response = anonymous.get("/treffen/", {"thema": "gesundheit"})

    assert titles(response) == ["Zur Gesundheit"]


def test_meeting_list_marks_cancelled_meetings(anonymous, db):
    MeetingFactory(title="Fällt aus", status=Meeting.Status.CANCELLED, cancellation_reason="Krank")

    response = anonymous.get("/treffen/")

    assert titles(response) == ["Fällt aus"]
    assert "abgesagt" in response.text


def test_meeting_archive_shows_figures_and_public_minutes(anonymous, october):
    archive = anonymous.get("/treffen/archiv/")
    page = anonymous.get(october.get_absolute_url())

    assert titles(archive) == ["Vernetzungstreffen Aufenthalt"]
    assert "24 Personen aus 21 Organisationen" in archive.text
    assert "Wir haben eine Stellungnahme verabredet." in page.text


def test_meeting_members_only_minutes_hidden_from_visitors(anonymous, member, october):
    october.minutes_visibility = Meeting.MinutesVisibility.MEMBERS
    october.save()

    assert "Stellungnahme" not in anonymous.get(october.get_absolute_url()).text
    assert "Stellungnahme" in member.get(october.get_absolute_url()).text


def test_meeting_online_link_only_for_members(anonymous, member, db):
    meeting = MeetingFactory(online_link="https://konferenz.example.org/geheim")

    assert "konferenz.example.org/geheim" not in anonymous.get(meeting.get_absolute_url()).text
    assert "konferenz.example.org/geheim" in member.get(meeting.get_absolute_url()).text


def test_meeting_page_carries_schema_org_event(anonymous, october):
    response = anonymous.get(october.get_absolute_url())

    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    ).group(1)
    data = json.loads(script)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2026-10-27T14:00:00+01:00"
    assert data["location"]["address"] == october.venue_address
    assert "online" not in script.lower()


def test_meeting_script_text_is_escaped(anonymous, db):
    meeting = MeetingFactory(
        title="<script>alert(1)</script>",
        slug="skript",
        description="</script><script>alert(2)</script>",
    )

    response = anonymous.get(meeting.get_absolute_url())

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def make_meetings(count):
    theme = TopicFactory()
    for _ in range(count):
        MeetingFactory(theme=theme)
        MeetingFactory(
            theme=theme,
            status=Meeting.Status.HELD,
            starts_at=timezone.now() - datetime.timedelta(days=40),
            ends_at=timezone.now() - datetime.timedelta(days=40, hours=-3),
        )


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize(
    ("path", "first", "again"),
    [
        # 1 the meetings' state (cache key), 2 cached rendering?, 3 topics that have meetings
        # (filter choices), 4 meetings with their themes, + writing the rendering;
        # again: 1 state, 2 cached rendering
        ("/treffen/", 4 + CACHE_WRITE, 2),
        # 1 state, 2 cached rendering?, 3 count, 4 page of meetings with their themes + write;
        # again: 1 state, 2 cached rendering
        ("/treffen/archiv/", 4 + CACHE_WRITE, 2),
        # 1 state (ETag), 2 cached file?, 3 meetings with their themes + write
        ("/treffen/kalender.ics", 3 + CACHE_WRITE, 2),
        # 1 meetings with their themes (not cached)
        ("/treffen/feed/", 1, 1),
    ],
)
def test_meeting_pages_query_count_is_fixed(
    django_assert_num_queries, anonymous, count, path, first, again
):
    make_meetings(count)

    with django_assert_num_queries(first):
        response = anonymous.get(path)
    with django_assert_num_queries(again):
        cached = anonymous.get(path)

    assert response.status_code == 200
    assert main_part(cached) == main_part(response)  # the rest differs in the CSP nonce


def test_home_shows_the_next_meetings(anonymous, db):
    MeetingFactory(title="Nächstes Treffen")

    response = anonymous.get("/")

    assert titles(response) == ["Nächstes Treffen"]
