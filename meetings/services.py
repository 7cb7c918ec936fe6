"""Workflows around invitations that span models or need locks."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.tasks import send_invitation


def record_answer(*, invitation: Invitation, answer: str, persons: int, note: str) -> Invitation:
    """Store an answer; answering twice, or twice at once, leaves one answer (row lock)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        locked.answer = answer
        locked.persons = persons if answer != Invitation.Answer.NO else 1
        locked.note = note
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "persons", "note", "answered_at", "updated_at"])
    return locked


def send_invitations(*, meeting: Meeting, sent_by) -> int:
    """Queue one mail per invitation not sent yet (or failed); returns how many were queued.

    The row locks make a second click, or a colleague clicking at the same moment, find
    nothing left to queue.
    """
    with transaction.atomic():
        invitations = list(
            Invitation.objects.select_for_update()
            .filter(
                meeting=meeting,
                delivery__in=[Invitation.Delivery.DRAFT, Invitation.Delivery.FAILED],
                revoked_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        Invitation.objects.filter(pk__in=invitations).update(
            delivery=Invitation.Delivery.QUEUED,
            queued_at=timezone.now(),
            attempts=0,
            delivery_error="",
        )
        for invitation_id in invitations:
            transaction.on_commit(partial(send_invitation.enqueue, invitation_id))
    return len(invitations)


def requeue_stuck(*, meeting: Meeting) -> int:
    """Enqueue again what is still queued, e.g. after a worker died; sent mails stay sent."""
    invitations = list(
        Invitation.objects.filter(meeting=meeting, delivery=Invitation.Delivery.QUEUED).values_list(
            "pk", flat=True
        )
    )
    for invitation_id in invitations:
        send_invitation.enqueue(invitation_id)
    return len(invitations)
