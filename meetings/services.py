"""Workflows around invitations that span models or need locks."""

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.tasks import send_invitation
from organisations.models import ContactPerson

logger = logging.getLogger("netzwerk.security")


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
                contact__receives_invitations=True,
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
    logger.info(
        "invitations queued: meeting=%s count=%d user=%s", meeting.pk, len(invitations), sent_by.pk
    )
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


def propose_invitees(*, meeting: Meeting) -> list[tuple[ContactPerson, str]]:
    """Who should be invited, with why: the core circle, then those working on the theme.

    Contacts who do not receive invitations never appear; those already invited are left out.
    For an organisation whose topics match but none of whose contacts has the theme as their
    own topic, its editors stand for it (the organisation's main contacts).
    """
    invited = Invitation.objects.filter(meeting=meeting).values("contact_id")
    contacts = (
        ContactPerson.objects.filter(receives_invitations=True)
        .exclude(pk__in=invited)
        .select_related("organisation")
        .order_by("organisation__sort_name", "name")
    )
    core = [
        (c, Invitation.Reason.CORE_CIRCLE)
        for c in contacts.filter(organisation__in_core_circle=True)
    ]
    chosen = {contact.pk for contact, _reason in core}
    by_topic = contacts.filter(topics=meeting.theme).exclude(pk__in=chosen)
    with_topic_people = set(by_topic.values_list("organisation_id", flat=True))
    main_contacts = (
        contacts.filter(organisation__topics=meeting.theme, is_editor=True)
        .exclude(pk__in=chosen)
        .exclude(organisation_id__in=with_topic_people)
    )
    theme = [(c, Invitation.Reason.THEME) for c in [*by_topic, *main_contacts]]
    return core + theme


def add_invitations(*, meeting: Meeting, contacts, reason: str) -> int:
    """Create draft invitations for those not invited yet; returns how many were added."""
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("contact_id", flat=True))
    new = [
        Invitation(meeting=meeting, contact=contact, reason=reason)
        for contact in contacts
        if contact.pk not in invited and contact.receives_invitations
    ]
    for invitation in new:
        invitation.new_link()
    # A colleague adding the same person at the same moment meets the unique constraint.
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def object_to_invitations(*, invitation: Invitation) -> None:
    """The invitee wants no further invitations: takes effect at once for every send."""
    ContactPerson.objects.filter(pk=invitation.contact_id).update(
        receives_invitations=False, updated_at=timezone.now()
    )


def record_attendance(*, meeting: Meeting, present_ids: set[int]) -> None:
    """Who came, ticked after the meeting; the archive's figures follow from it."""
    with transaction.atomic():
        invitations = Invitation.objects.filter(meeting=meeting)
        invitations.filter(pk__in=present_ids).update(attended=True)
        invitations.exclude(pk__in=present_ids).update(attended=False)
        present = invitations.filter(attended=True)
        meeting.participants_count = present.count()
        meeting.organisations_count = present.values("contact__organisation").distinct().count()
        meeting.save(update_fields=["participants_count", "organisations_count", "updated_at"])
