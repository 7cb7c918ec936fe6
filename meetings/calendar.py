"""Meetings as iCalendar (RFC 5545), built with the icalendar library.

Announced meetings that only have a period ("1. Quartal 2027") are left out: an all-day event
spanning a quarter would cover every day of the subscriber's calendar. They enter the feed with
the same UID once their date is fixed.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting

STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def meeting_event(meeting: Meeting, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@netzwerk")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("summary", meeting.title)
    event.add("dtstart", timezone.localtime(meeting.starts_at))
    event.add("dtend", timezone.localtime(meeting.ends_at))
    event.add("status", STATUS[meeting.status])
    url = base_url + meeting.get_absolute_url()
    event.add("url", url)
    location = ", ".join(part for part in [meeting.venue_name, meeting.venue_address] if part)
    if location:
        event.add("location", location)
    description = [meeting.description.strip(), url]
    if meeting.status == Meeting.Status.CANCELLED and meeting.cancellation_reason:
        description.insert(0, meeting.cancellation_reason.strip())
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("categories", [meeting.theme.name])
    return event


def build_calendar(meetings, *, base_url: str, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Netzwerk//Treffen//DE")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", settings.NETWORK_NAME)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    dated = [meeting for meeting in meetings if meeting.has_date]
    for meeting in dated:
        calendar.add_component(meeting_event(meeting, base_url))
    if dated:
        first = min(timezone.localtime(m.starts_at).date() for m in dated)
        last = max(timezone.localtime(m.ends_at).date() for m in dated)
        calendar.add_missing_timezones(
            first_date=first - datetime.timedelta(days=366),
            last_date=last + datetime.timedelta(days=366),
        )
    return calendar


def calendar_response(meetings, request: HttpRequest, *, filename: str) -> HttpResponse:
    calendar = build_calendar(meetings, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
