"""Background work: sending invitation mails, one task per mail.

Exactly once: a task sends only while the invitation is `queued`, holding the invitation's
row lock from the check until `sent` is committed. A second task for the same invitation (a
re-click, a retry, a second worker) waits for that lock and then finds it sent. If the worker dies
mid-send, the transaction rolls back and the invitation stays queued for the next run; the only
window for a duplicate is a crash after the SMTP server accepted the mail and before the commit,
and then the resent mail carries the same Message-ID.
"""

import datetime
import smtplib

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from meetings.emails import invitation_message
from meetings.models import Invitation

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


@task()
def send_invitation(invitation_id: int) -> str:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting__theme", "contact__organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.delivery != Invitation.Delivery.QUEUED:
            return "skipped"
        invitation.attempts += 1
        try:
            invitation_message(invitation).send()
        except (smtplib.SMTPException, OSError) as error:
            invitation.delivery_error = f"{type(error).__name__}: {error}"[:500]
            if isinstance(error, TRANSIENT) and invitation.attempts < MAX_ATTEMPTS:
                run_after = timezone.now() + retry_delay(invitation.attempts)
                transaction.on_commit(
                    lambda: send_invitation.using(run_after=run_after).enqueue(invitation_id)
                )
            else:
                invitation.delivery = Invitation.Delivery.FAILED
            invitation.save(update_fields=["attempts", "delivery", "delivery_error", "updated_at"])
            return "failed"
        invitation.delivery = Invitation.Delivery.SENT
        invitation.sent_at = timezone.now()
        invitation.delivery_error = ""
        invitation.save(
            update_fields=["attempts", "delivery", "sent_at", "delivery_error", "updated_at"]
        )
    return "sent"
