"""The mails to invitees: invitation, reminder, change and cancellation notice, confirmation.

Each has plain text and HTML parts. The .ics travels as an attachment, not as a
`text/calendar; method=REQUEST` part: with REQUEST, Outlook shows its own accept/decline
buttons, which answer by e-mail to the organiser address instead of through the personal link,
so staff would never see those answers. Invitations, change notices and confirmations carry
METHOD:PUBLISH; a change notice has the same UID with a higher SEQUENCE, so calendars update
the event; a cancellation carries METHOD:CANCEL, so calendars remove it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from common.mail import build_mail
from meetings.calendar import build_calendar
from meetings.models import (
    Invitation,
    Meeting,
    Notice,
    ParticipationRequest,
    PollNotice,
    PollParticipant,
)

CALENDAR_METHOD = {
    "invitation": "PUBLISH",
    Notice.Kind.REMINDER: "PUBLISH",
    Notice.Kind.CHANGE: "PUBLISH",
    Notice.Kind.CONFIRMATION: "PUBLISH",
    Notice.Kind.CANCELLATION: "CANCEL",
}


NOTICE_SOURCE = gettext_lazy(
    "You receive this notice because you are invited to the meeting, as a contact person of "
    "%(organisation)s in the directory of the %(network)s."
)
# Where the address comes from (Art. 14), in the words of each mail.
SOURCES = {
    "invitation": gettext_lazy(
        "You receive this invitation as a contact person of %(organisation)s in the directory "
        "of the %(network)s, where your organisation or you yourself entered your address."
    ),
    Notice.Kind.REMINDER: gettext_lazy(
        "You receive this reminder as a contact person of %(organisation)s in the directory of "
        "the %(network)s, where your organisation or you yourself entered your address."
    ),
    Notice.Kind.CHANGE: NOTICE_SOURCE,
    Notice.Kind.CANCELLATION: NOTICE_SOURCE,
    Notice.Kind.CONFIRMATION: gettext_lazy(
        "You receive this confirmation because you asked for it when answering, as a contact "
        "person of %(organisation)s in the directory of the %(network)s."
    ),
}


def default_invitation_text(meeting: Meeting) -> str:
    return render_to_string("emails/invitation_text.txt", {"meeting": meeting}).strip()


def invitation_text(meeting: Meeting) -> str:
    return meeting.invitation_text.strip() or default_invitation_text(meeting)


def render_mail(
    invitation: Invitation, kind: str, message_id: str, **extra
) -> EmailMultiAlternatives:
    meeting = invitation.meeting
    contact = invitation.contact
    calendar = None
    if meeting.has_date and (kind != Notice.Kind.CONFIRMATION or invitation.answer != "no"):
        calendar = build_calendar(
            [meeting], base_url=settings.SITE_URL, method=CALENDAR_METHOD[kind]
        )
    answer_url = settings.SITE_URL + invitation.get_answer_url()
    context = {
        "kind": kind,
        "invitation": invitation,
        "meeting": meeting,
        "contact": contact,
        "answer_url": answer_url,
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "calendar_attached": calendar is not None,
        **extra,
    }
    source = SOURCES.get(kind, SOURCES["invitation"]) % {
        "organisation": contact.organisation.name,
        "network": settings.NETWORK_NAME,
    }
    message = build_mail(
        kind,
        context,
        to=contact.email,
        source=source,
        objection_url=answer_url,
        headers={"Message-ID": message_id},
    )
    if calendar is not None:
        message.attach(f"{meeting.slug}.ics", calendar.to_ical(), "text/calendar")
    return message


def invitation_message(invitation: Invitation, text: str | None = None) -> EmailMultiAlternatives:
    """The invitation; `text` previews an edited invitation text before it is saved."""
    meeting = invitation.meeting
    message_id = f"<invitation-{invitation.pk}-{meeting.sequence}.{meeting.uid}@netzwerk>"
    intro = invitation_text(meeting) if text is None else text.strip()
    return render_mail(invitation, "invitation", message_id, intro=intro)


def notice_message(notice: Notice) -> EmailMultiAlternatives:
    """A mail after the invitation; a stable Message-ID per notice."""
    meeting = notice.invitation.meeting
    message_id = f"<{notice.kind}-{notice.pk}.{meeting.uid}@netzwerk>"
    return render_mail(notice.invitation, notice.kind, message_id)


def preview_notice(invitation: Invitation, kind: str) -> EmailMultiAlternatives:
    """A notice as it would go to `invitation`'s invitee, without storing anything."""
    return notice_message(Notice(invitation=invitation, kind=kind, key="preview"))


def decline_message(participation: ParticipationRequest) -> EmailMultiAlternatives:
    """The polite answer to a request to take part that the office declined."""
    meeting = participation.meeting
    context = {
        "participation": participation,
        "meeting": meeting,
        "calendar_url": settings.SITE_URL + reverse("meetings:list"),
    }
    return build_mail(
        "request_declined",
        context,
        to=participation.email,
        source=REQUEST_SOURCE % {"network": settings.NETWORK_NAME},
        headers={"Message-ID": f"<request-{participation.pk}.{meeting.uid}@netzwerk>"},
    )


REQUEST_SOURCE = gettext_lazy(
    "You receive this e-mail because you asked to take part in the meeting on the website of "
    "the %(network)s."
)


POLL_SOURCE = gettext_lazy(
    "You receive this e-mail as a contact person of %(organisation)s in the directory of the "
    "%(network)s, where your organisation or you yourself entered your address."
)


def poll_mail(participant: PollParticipant, name: str, message_id: str) -> EmailMultiAlternatives:
    """A poll's mail to one participant: the poll itself, a reminder, or the fixed date (with
    the calendar file: the meeting's UID, as in the calendar feed)."""
    poll = participant.poll
    meeting = poll.meeting
    answer_url = settings.SITE_URL + participant.get_answer_url()
    context = {
        "participant": participant,
        "contact": participant.contact,
        "poll": poll,
        "meeting": meeting,
        "slots": poll.slots.all(),
        "answer_url": answer_url,
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
    }
    source = POLL_SOURCE % {
        "organisation": participant.contact.organisation.name,
        "network": settings.NETWORK_NAME,
    }
    message = build_mail(
        name,
        context,
        to=participant.contact.email,
        source=source,
        objection_url=answer_url,
        headers={"Message-ID": message_id},
    )
    if name == "poll_decided":
        calendar = build_calendar([meeting], base_url=settings.SITE_URL, method="PUBLISH")
        message.attach(f"{meeting.slug}.ics", calendar.to_ical(), "text/calendar")
    return message


def poll_message(participant: PollParticipant) -> EmailMultiAlternatives:
    message_id = f"<poll-{participant.pk}.{participant.poll.meeting.uid}@netzwerk>"
    return poll_mail(participant, "poll", message_id)


def poll_notice_message(notice: PollNotice) -> EmailMultiAlternatives:
    message_id = f"<poll-{notice.kind}-{notice.pk}.{notice.participant.poll.meeting.uid}@netzwerk>"
    return poll_mail(notice.participant, f"poll_{notice.kind}", message_id)
