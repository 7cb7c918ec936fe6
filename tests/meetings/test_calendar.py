"""The calendar files as calendar programs read them: parsed by icalendar and by vobject."""

import datetime
import zoneinfo

import icalendar
import pytest
import vobject

from meetings.models import Meeting
from tests.factories import ContactPersonFactory, MeetingFactory, TopicFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


@pytest.fixture
def across_dst(db):
    """Two meetings at 14:00 local time, either side of the end of summer time (25 Oct 2026)."""
    theme = TopicFactory(name="Gesundheit", slug="gesundheit")
    summer = MeetingFactory(
        title="Im Sommer",
        theme=theme,
        starts_at=datetime.datetime(2026, 10, 24, 14, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 10, 24, 17, tzinfo=BERLIN),
    )
    winter = MeetingFactory(
        title="Im Winter",
        starts_at=datetime.datetime(2026, 10, 26, 14, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 10, 26, 17, tzinfo=BERLIN),
        online_link="https://konferenz.example.org/geheim",
    )
    return summer, winter


def events_by_icalendar(content: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def events_by_vobject(content: bytes) -> dict[str, object]:
    calendar = vobject.readOne(content.decode())
    return {event.summary.value: event for event in calendar.vevent_list}


def test_feed_is_text_calendar_with_a_timezone(anonymous, across_dst):
    response = anonymous.get("/treffen/kalender.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20261024T140000" in response.content
    assert b"DTSTART;TZID=Europe/Berlin:20261026T140000" in response.content


@pytest.mark.parametrize("parse", [events_by_icalendar, events_by_vobject])
def test_feed_times_are_right_across_daylight_saving(anonymous, across_dst, parse):
    events = parse(anonymous.get("/treffen/kalender.ics").content)

    def start(event):
        value = event["dtstart"].dt if isinstance(event, icalendar.Event) else event.dtstart.value
        return value.astimezone(UTC)

    assert start(events["Im Sommer"]) == datetime.datetime(2026, 10, 24, 12, tzinfo=UTC)
    assert start(events["Im Winter"]) == datetime.datetime(2026, 10, 26, 13, tzinfo=UTC)


def test_feed_event_fields(anonymous, across_dst):
    summer, _winter = across_dst
    events = events_by_vobject(anonymous.get("/treffen/kalender.ics").content)
    event = events["Im Sommer"]

    assert event.uid.value == f"{summer.uid}@netzwerk"
    assert event.sequence.value == "0"
    assert event.status.value == "CONFIRMED"
    assert event.url.value == f"http://testserver/treffen/{summer.slug}/"
    assert event.location.value == "Haus der Begegnung, Königstraße 1, 70173 Stuttgart"
    assert f"/treffen/{summer.slug}/" in event.description.value


def test_uid_stays_and_sequence_rises_when_the_meeting_moves(anonymous, across_dst):
    summer, _winter = across_dst
    before = events_by_icalendar(anonymous.get("/treffen/kalender.ics").content)["Im Sommer"]
    summer.slug = "neuer-slug"
    summer.starts_at += datetime.timedelta(hours=1)
    summer.save()

    after = events_by_icalendar(anonymous.get("/treffen/kalender.ics").content)["Im Sommer"]

    assert after["uid"] == before["uid"]
    assert after["sequence"] == 1


def test_feed_marks_cancelled_and_leaves_out_announced_and_internal(anonymous, across_dst):
    summer, _winter = across_dst
    summer.status = Meeting.Status.CANCELLED
    summer.cancellation_reason = "Die Referentin ist erkrankt."
    summer.save()
    MeetingFactory(title="Angekündigt", status="announced", starts_at=None, ends_at=None,
                   period_year=2027, period_quarter=1)  # fmt: skip
    MeetingFactory(title="Intern", is_public=False)

    events = events_by_icalendar(anonymous.get("/treffen/kalender.ics").content)

    assert sorted(events) == ["Im Sommer", "Im Winter"]
    assert events["Im Sommer"]["status"] == "CANCELLED"
    assert "erkrankt" in str(events["Im Sommer"]["description"])


def test_feed_narrows_to_one_theme(anonymous, across_dst):
    events = events_by_icalendar(anonymous.get("/treffen/kalender.ics?thema=gesundheit").content)

    assert list(events) == ["Im Sommer"]


def test_public_calendar_files_hold_no_personal_data(member, across_dst, org_a):
    contact = ContactPersonFactory(
        organisation=org_a, name="Paula Privat", email="paula@example.org"
    )
    _summer, winter = across_dst

    for path in ["/treffen/kalender.ics", f"/treffen/{winter.slug}.ics"]:
        content = member.get(path).content.decode()
        assert "konferenz.example.org" not in content
        assert contact.name not in content
        assert contact.email not in content


def test_single_meeting_file(anonymous, across_dst):
    summer, _winter = across_dst

    response = anonymous.get(f"/treffen/{summer.slug}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert list(events_by_vobject(response.content)) == ["Im Sommer"]


def test_text_is_escaped_per_rfc5545(anonymous, db):
    MeetingFactory(title="Komma, Semikolon; Zeile\numbruch", slug="zeichen")

    response = anonymous.get("/treffen/zeichen.ics")

    assert b"SUMMARY:Komma\\, Semikolon\\; Zeile\\numbruch" in response.content
    event = events_by_vobject(response.content)["Komma, Semikolon; Zeile\numbruch"]
    assert event.summary.value == "Komma, Semikolon; Zeile\numbruch"


def test_atom_feed_lists_upcoming_public_meetings(anonymous, db):
    MeetingFactory(title="Kommt bald")
    MeetingFactory(title="Nur intern", is_public=False)

    response = anonymous.get("/treffen/feed/")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"Kommt bald" in response.content
    assert b"Nur intern" not in response.content
