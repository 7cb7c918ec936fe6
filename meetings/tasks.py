"""Background work: sending mails, one task per mail.

Exactly once: a task sends only while its record (an invitation, or a notice after it) is
`queued`, holding the record's row lock from the check until `sent` is committed. A second task
for the same record (a re-click, a retry, a second worker) waits for that lock and then finds it
sent. If the worker dies mid-send, the transaction rolls back and the record stays queued for the
next run; the only window for a duplicate is a crash after the SMTP server accepted the mail and
before the commit, and then the resent mail carries the same Message-ID.
"""

import datetime
import smtplib

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from meetings.emails import invitation_message, notice_message
from meetings.models import Invitation, MailState, Notice

MAX_ATTEMPTS = 5
# Failures the next try may not have: the server is busy, the network hiccups.
TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    TimeoutError,
    ConnectionError,
)


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2**attempts)


def deliver(record: MailState, message, retry) -> str:
    """Send `message` for the locked `record` and store the outcome on it."""
    record.attempts += 1
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        record.delivery_error = f"{type(error).__name__}: {error}"[:500]
        if isinstance(error, TRANSIENT) and record.attempts < MAX_ATTEMPTS:
            run_after = timezone.now() + retry_delay(record.attempts)
            transaction.on_commit(lambda: retry.using(run_after=run_after).enqueue(record.pk))
        else:
            record.delivery = MailState.Delivery.FAILED
        record.save(update_fields=["attempts", "delivery", "delivery_error"])
        return "failed"
    record.delivery = MailState.Delivery.SENT
    record.sent_at = timezone.now()
    record.delivery_error = ""
    record.save(update_fields=["attempts", "delivery", "sent_at", "delivery_error"])
    return "sent"


def mark_notified(invitation: Invitation) -> None:
    """The invitee now has the meeting as it stands (for offering change notices later)."""
    Invitation.objects.filter(pk=invitation.pk).update(
        notified_sequence=invitation.meeting.sequence
    )


def send_locked(queryset, pk: int, build, retry) -> tuple[str, MailState | None]:
    """Lock the queued record `pk`, send the message `build` makes for it, store the outcome."""
    record = queryset.select_for_update(of=("self",)).filter(pk=pk, delivery="queued").first()
    if record is None:
        return "skipped", None
    return deliver(record, build(record), retry), record


@task()
def send_invitation(invitation_id: int) -> str:
    invitations = Invitation.objects.select_related("meeting__theme", "contact__organisation")
    with transaction.atomic():
        result, invitation = send_locked(
            invitations, invitation_id, invitation_message, send_invitation
        )
        if result == "sent":
            mark_notified(invitation)
    return result


@task()
def send_notice(notice_id: int) -> str:
    notices = Notice.objects.select_related(
        "invitation__meeting__theme", "invitation__contact__organisation"
    )
    with transaction.atomic():
        result, notice = send_locked(notices, notice_id, notice_message, send_notice)
        if result == "sent" and notice.kind in (Notice.Kind.CHANGE, Notice.Kind.CANCELLATION):
            mark_notified(notice.invitation)
    return result
