"""The personal invitation e-mail: plain text, HTML and the meeting as a calendar file.

The .ics travels as an attachment (METHOD:PUBLISH), not as a `text/calendar; method=REQUEST`
part: with REQUEST, Outlook shows its own accept/decline buttons, which answer by e-mail to the
organiser address instead of through the personal link, so staff would never see those answers.
A later change notice carries the same UID with a higher SEQUENCE, so calendars update the event.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from meetings.calendar import build_calendar
from meetings.models import Invitation


def message_id(invitation: Invitation, kind: str) -> str:
    """Stable per invitation and kind, so a resent message is recognisably the same one."""
    return (
        f"<{kind}-{invitation.pk}-{invitation.meeting.sequence}.{invitation.meeting.uid}@netzwerk>"
    )


def invitation_message(invitation: Invitation, kind: str = "invitation") -> EmailMultiAlternatives:
    meeting = invitation.meeting
    contact = invitation.contact
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "contact": contact,
        "answer_url": settings.SITE_URL + invitation.get_answer_url(),
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "privacy_url": settings.SITE_URL + "/datenschutz/",
        "network_name": settings.NETWORK_NAME,
        "operator": settings.NETWORK_OPERATOR,
    }
    subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{kind}_body.txt", context),
        to=[contact.email],
        headers={"Message-ID": message_id(invitation, kind)},
    )
    message.attach_alternative(render_to_string(f"emails/{kind}_body.html", context), "text/html")
    if meeting.has_date:
        calendar = build_calendar([meeting], base_url=settings.SITE_URL, method="PUBLISH")
        message.attach(f"{meeting.slug}.ics", calendar.to_ical(), "text/calendar")
    return message
