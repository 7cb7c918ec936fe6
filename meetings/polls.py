"""Date polls ("Terminabstimmung"): open, ask, answer, remind, read the results, choose.

The workflows of a poll across its models, with the worker sending (keyword-only functions as
in services.py, which this file sits beside because polls are a workflow of their own).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.security import log_event
from meetings.models import (
    DatePoll,
    Invitation,
    Meeting,
    PollAnswer,
    PollNotice,
    PollParticipant,
    PollSlot,
)
from meetings.services import add_invitations, contact_by_email, stuck
from meetings.tasks import deliver_poll_mails, deliver_poll_notices, queue_in_batches
from organisations.models import Organisation
from organisations.services import unique_slug

MIN_SLOTS, MAX_SLOTS = 2, 12


def open_poll(
    *, meeting: Meeting, deadline: datetime.datetime, note: str, slots, opened_by
) -> DatePoll:
    """A poll for an announced meeting with 2–12 candidate slots ((start, end) pairs).
    ValidationError (German), changing nothing, for a meeting that has a date or a poll
    already, too few or too many slots, a slot that ends before it starts, or a deadline that
    has passed or comes after the first slot."""
    slots = sorted(slots)
    if meeting.has_date or meeting.status != Meeting.Status.ANNOUNCED:
        raise ValidationError(_("Only an announced meeting without a date gets a date poll."))
    if DatePoll.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("This meeting has a date poll already."))
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        raise ValidationError(
            _("Please offer between %(min)d and %(max)d dates.")
            % {"min": MIN_SLOTS, "max": MAX_SLOTS}
        )
    if any(end <= start for start, end in slots):
        raise ValidationError(_("Each date must end after it starts."))
    if deadline <= timezone.now():
        raise ValidationError(_("The answer deadline must lie in the future."))
    if deadline > slots[0][0]:
        raise ValidationError(_("The answer deadline must come before the first date."))
    with transaction.atomic():
        poll = DatePoll.objects.create(meeting=meeting, deadline=deadline, note=note.strip())
        PollSlot.objects.bulk_create(
            PollSlot(poll=poll, starts_at=start, ends_at=end) for start, end in slots
        )
        Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())
    log_event("poll_opened", user=opened_by, meeting=meeting.pk, slots=len(slots))
    return poll


def outside_period(poll: DatePoll, slots=None) -> list[PollSlot]:
    """The slots that do not lie in the period the meeting was announced for (a warning)."""
    bounds = poll.meeting.period_bounds()
    if bounds is None:
        return []
    first, last = bounds
    return [
        slot
        for slot in (poll.slots.all() if slots is None else slots)
        if not first <= timezone.localtime(slot.starts_at).date() <= last
    ]


def add_participants(*, poll: DatePoll, contacts, reason: str) -> int:
    """Ask these contact persons (not asked yet, and only those who receive invitations: an
    objection or the suppression list holds as for invitations). Returns how many."""
    asked = set(poll.participants.values_list("contact_id", flat=True))
    new = [
        PollParticipant(poll=poll, contact=contact, reason=reason)
        for contact in contacts
        if contact.pk not in asked and contact.receives_invitations
    ]
    for participant in new:
        participant.new_link()
    PollParticipant.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def ask_guest(*, poll: DatePoll, name: str, email: str, role: str, organisation) -> int:
    """A guest asked on the spot, as for an invitation round: entered (visible to the office
    and their organisation, which may be new) unless already there, then asked."""
    with transaction.atomic():
        if organisation.pk is None:
            organisation.slug = unique_slug(organisation.name)
            organisation.save()
        contact = contact_by_email(organisation, name=name, email=email, role=role)
        return add_participants(poll=poll, contacts=[contact], reason=Invitation.Reason.STAFF)


def send_poll(*, poll: DatePoll, sent_by) -> int:
    """Queue one mail per participant not sent yet (failed, or stuck after a worker died);
    row locks make a second click find nothing left. Returns how many were queued."""
    if not poll.is_open:
        raise ValidationError(_("The poll is closed."))
    with transaction.atomic():
        # Not sent yet, failed, or queued so long ago that its worker must have died.
        waiting = poll.participants.filter(
            Q(delivery__in=["draft", "failed"]) | stuck()
        ).select_for_update()
        ids = list(waiting.values_list("pk", flat=True))
        PollParticipant.objects.filter(pk__in=ids).update(
            delivery=PollParticipant.Delivery.QUEUED,
            queued_at=timezone.now(),
            attempts=0,
            delivery_error="",
        )
        queue_in_batches(deliver_poll_mails, ids)
    log_event("poll_queued", user=sent_by, meeting=poll.meeting_id, count=len(ids))
    return len(ids)


def reminder_recipients(poll: DatePoll):
    """Those the poll reached who have not answered yet."""
    return poll.participants.filter(delivery="sent", answered_at__isnull=True)


def queue_poll_notices(*, participants, kind: str, key: str) -> int:
    """One notice per participant, kind and key (the unique constraint and the participants'
    row locks make a second click queue nothing more); a failed one is queued again."""
    ids = list(participants.values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        list(PollParticipant.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        notices = PollNotice.objects.filter(participant_id__in=ids, kind=kind, key=key)
        existing = dict(notices.values_list("participant_id", "delivery"))
        retried = notices.filter(delivery=PollNotice.Delivery.FAILED)
        queued = list(retried.values_list("pk", flat=True))
        retried.update(delivery="queued", queued_at=now, attempts=0, delivery_error="")
        new = PollNotice.objects.bulk_create(
            PollNotice(participant_id=pk, kind=kind, key=key, delivery="queued", queued_at=now)
            for pk in ids
            if pk not in existing
        )
        queued += [notice.pk for notice in new]
        queue_in_batches(deliver_poll_notices, queued)
    return len(queued)


def send_poll_reminders(*, poll: DatePoll, sent_by) -> int:
    if not poll.is_open:
        raise ValidationError(_("The poll is closed."))
    count = queue_poll_notices(
        participants=reminder_recipients(poll),
        kind=PollNotice.Kind.REMINDER,
        key=timezone.localdate().isoformat(),
    )
    log_event("poll_reminders_queued", user=sent_by, meeting=poll.meeting_id, count=count)
    return count


def record_poll_answer(*, participant: PollParticipant, choices: dict[int, str], comment: str):
    """The participant's answer for every slot (slot id → choice), until the deadline."""
    if not participant.poll.is_open:
        raise ValidationError(_("The poll is closed. Nothing was changed."))
    slots = set(participant.poll.slots.values_list("pk", flat=True))
    if set(choices) != slots or not set(choices.values()) <= set(PollAnswer.Choice.values):
        raise ValidationError(_("Please answer for every date."))
    with transaction.atomic():
        PollAnswer.objects.filter(participant=participant).delete()
        PollAnswer.objects.bulk_create(
            PollAnswer(participant=participant, slot_id=slot, choice=choice)
            for slot, choice in choices.items()
        )
        participant.comment = comment.strip()
        participant.answered_at = timezone.now()
        participant.save(update_fields=["comment", "answered_at", "updated_at"])
        # The poll's state changes with every answer: the answer pages' figures are cached by it.
        DatePoll.objects.filter(pk=participant.poll_id).update(updated_at=participant.answered_at)


@dataclass
class SlotResult:
    slot: PollSlot
    organisations: int = 0  # that can come: "passt" or "notfalls", each once
    yes: int = 0
    maybe: int = 0
    no: int = 0
    core_missing: list = field(default_factory=list)
    best: bool = False

    @property
    def core_complete(self) -> bool:
        return not self.core_missing

    @property
    def score(self) -> tuple:
        """The rule, in this order: most organisations, core circle complete, fewest
        "notfalls"."""
        return (self.organisations, self.core_complete, -self.maybe)


CAN_COME = ~Q(choice=PollAnswer.Choice.NO)


def organisation_counts(poll: DatePoll) -> dict[int, int]:
    """Slot id → how many organisations can come (each once, however many of its people
    answer), counted by the database: what a participant sees."""
    return dict(
        PollAnswer.objects.filter(CAN_COME, slot__poll=poll)
        .values("slot")
        .annotate(count=Count("participant__contact__organisation", distinct=True))
        .values_list("slot", "count")
    )


def poll_results(poll: DatePoll, slots=None) -> dict:
    """Per slot: the organisations that can come (each once, however many of its people
    answer), people per answer, the core-circle organisations that cannot; the best slots
    (more than one: a tie). Counted by the database, four queries whatever the size (three,
    given the `slots`)."""
    slots = {slot.pk: SlotResult(slot) for slot in (poll.slots.all() if slots is None else slots)}
    answers = PollAnswer.objects.filter(slot__poll=poll)
    figures = answers.values("slot").annotate(
        yes=Count("pk", filter=Q(choice=PollAnswer.Choice.YES)),
        maybe=Count("pk", filter=Q(choice=PollAnswer.Choice.MAYBE)),
        no=Count("pk", filter=Q(choice=PollAnswer.Choice.NO)),
        organisations=Count("participant__contact__organisation", distinct=True, filter=CAN_COME),
    )
    for row in figures:
        result = slots[row["slot"]]
        result.yes, result.maybe, result.no = row["yes"], row["maybe"], row["no"]
        result.organisations = row["organisations"]
    core = dict(Organisation.objects.filter(in_core_circle=True).values_list("pk", "name"))
    coming = set(
        answers.filter(CAN_COME, participant__contact__organisation__in=list(core))
        .values_list("slot", "participant__contact__organisation")
        .distinct()
    )
    for pk, result in slots.items():
        result.core_missing = sorted(
            (name for organisation, name in core.items() if (pk, organisation) not in coming),
            key=str.casefold,
        )
    ranked = sorted(slots.values(), key=lambda result: result.score, reverse=True)
    best = [r for r in ranked if r.score == ranked[0].score and r.organisations]
    for result in best:
        result.best = True
    return {"slots": list(slots.values()), "best": best, "core_count": len(core)}


def choose_slot(*, poll: DatePoll, slot: PollSlot, chosen_by) -> int:
    """The office fixes the date: the meeting gets the slot's times and becomes scheduled (its
    UID stays, so calendars keep one entry), the poll closes, every participant the poll
    reached gets "Der Termin steht fest" with the calendar file (once), and the invitation
    round is pre-filled with the poll's participants. Returns how many were added to the round.
    ValidationError when the poll was decided already or the slot is not one of its own."""
    with transaction.atomic():
        locked = DatePoll.objects.select_for_update().select_related("meeting").get(pk=poll.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("The date of this meeting has been fixed already."))
        if slot.poll_id != locked.pk:
            raise ValidationError(_("Please choose one of the poll's dates."))
        meeting = locked.meeting
        meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
        meeting.status = Meeting.Status.SCHEDULED
        meeting.save()
        locked.chosen_slot, locked.closed_at = slot, timezone.now()
        locked.save(update_fields=["chosen_slot", "closed_at", "updated_at"])
        participants = locked.participants.select_related("contact")
        queue_poll_notices(
            participants=participants.filter(delivery="sent"),
            kind=PollNotice.Kind.DECIDED,
            key="decided",
        )
        by_reason = defaultdict(list)
        for participant in participants:
            by_reason[participant.reason].append(participant.contact)
        added = sum(
            add_invitations(meeting=meeting, contacts=contacts, reason=reason)
            for reason, contacts in by_reason.items()
        )
    log_event("poll_decided", user=chosen_by, meeting=meeting.pk, slot=slot.pk)
    return added
