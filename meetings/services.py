"""Workflows around invitations that span models or need locks."""

from django.db import transaction
from django.utils import timezone

from meetings.models import Invitation


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
