"""Workflows around invitations that span models or need locks."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.security import log_event
from meetings.models import Invitation, Meeting, Notice, ParticipationRequest, SubstituteProposal
from meetings.tasks import (
    deliver_declines,
    deliver_invitations,
    deliver_notices,
    queue_in_batches,
)
from organisations.models import ContactPerson, Organisation, SuppressedAddress, address_hash
from organisations.services import unique_slug


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


# A mail still queued after this long lost its task (a worker died mid-send): "send" queues
# it again. Sending twice cannot happen: the task sends only while the row says queued.
STUCK_AFTER = datetime.timedelta(minutes=10)


def stuck() -> Q:
    return Q(delivery=Invitation.Delivery.QUEUED, queued_at__lt=timezone.now() - STUCK_AFTER)


def to_send(meeting: Meeting):
    """The invitations "send" would queue now: noted (not sent yet), failed or stuck."""
    return Invitation.objects.filter(
        meeting=meeting, revoked_at__isnull=True, contact__receives_invitations=True
    ).filter(Q(delivery__in=[Invitation.Delivery.DRAFT, Invitation.Delivery.FAILED]) | stuck())


def send_invitations(*, meeting: Meeting, sent_by) -> int:
    """Queue one mail per invitation not sent yet, failed or stuck; returns how many.

    The row locks make a second click, or a colleague clicking at the same moment, find
    nothing left to queue.
    """
    with transaction.atomic():
        invitations = list(to_send(meeting).select_for_update().values_list("pk", flat=True))
        now = timezone.now()
        Invitation.objects.filter(pk__in=invitations).update(
            delivery=Invitation.Delivery.QUEUED,
            queued_at=now,
            attempts=0,
            delivery_error="",
            updated_at=now,  # the office home's cached agenda is keyed by it
        )
        queue_in_batches(deliver_invitations, invitations)
    log_event("invitations_queued", user=sent_by, meeting=meeting.pk, count=len(invitations))
    return len(invitations)


def remove_from_round(*, invitation: Invitation) -> None:
    """Take someone out of a round before their invitation went out (ValidationError after)."""
    deleted, _rows = Invitation.objects.filter(
        pk=invitation.pk, delivery=Invitation.Delivery.DRAFT
    ).delete()
    if not deleted:
        raise ValidationError(_("Only invitations not sent yet can be removed."))
    # No invitation row is left to carry the change: the meeting's does (cached renderings).
    Meeting.objects.filter(pk=invitation.meeting_id).update(updated_at=timezone.now())


def reminder_recipients(meeting: Meeting):
    """Who a reminder would go to now: invited, no answer yet, not reminded today.

    Not reminded today means by no reminder at all, for this meeting or another one.
    """
    if meeting.status not in (Meeting.Status.ANNOUNCED, Meeting.Status.SCHEDULED):
        return Invitation.objects.none()
    deadline = meeting.answer_deadline or meeting.starts_at
    if deadline is not None and deadline <= timezone.now():
        return Invitation.objects.none()
    reminded_today = (
        Notice.objects.filter(kind=Notice.Kind.REMINDER, key=timezone.localdate().isoformat())
        .exclude(delivery=Notice.Delivery.FAILED)
        .values("invitation__contact_id")
    )
    return (
        sendable(meeting)
        .filter(
            delivery=Invitation.Delivery.SENT,
            answer=Invitation.Answer.OPEN,
            contact__receives_invitations=True,
        )
        .exclude(contact_id__in=reminded_today)
    )


def change_notice_recipients(meeting: Meeting):
    """Who has an outdated picture of the meeting: mailed before its last change, not declined.

    Someone who objected to further invitations still hears of a change to a meeting they said
    they would come to.
    """
    return (
        sendable(meeting)
        .filter(delivery=Invitation.Delivery.SENT, notified_sequence__lt=meeting.sequence)
        .exclude(answer=Invitation.Answer.NO)
        .filter(
            Q(contact__receives_invitations=True)
            | Q(answer__in=[Invitation.Answer.YES, Invitation.Answer.MAYBE])
        )
    )


def change_notice_kind(meeting: Meeting) -> str:
    if meeting.status == Meeting.Status.CANCELLED:
        return Notice.Kind.CANCELLATION
    return Notice.Kind.CHANGE


def sendable(meeting: Meeting):
    return (
        Invitation.objects.filter(meeting=meeting, revoked_at__isnull=True)
        .select_related("contact__organisation")
        .order_by("contact__organisation__sort_name", "contact__sort_name")
    )


def queue_notices(*, invitations, kind: str, key: str, sent_by=None) -> int:
    """Queue one notice per invitation and key; one that went out already is not sent again.

    The invitations' row locks, backed by the unique constraint on (invitation, kind, key),
    make a second click or a colleague's click at the same moment queue nothing more; a notice
    that failed is queued again.
    Returns how many were queued.
    """
    ids = list(invitations.values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        # A colleague's click for the same people waits here, then finds their notices queued.
        list(Invitation.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        existing = dict(
            Notice.objects.filter(invitation_id__in=ids, kind=kind, key=key).values_list(
                "invitation_id", "delivery"
            )
        )
        failed = [pk for pk, delivery in existing.items() if delivery == Notice.Delivery.FAILED]
        retried = Notice.objects.filter(invitation_id__in=failed, kind=kind, key=key)
        queued = list(retried.values_list("pk", flat=True))
        retried.update(
            delivery=Notice.Delivery.QUEUED, queued_at=now, attempts=0, delivery_error=""
        )
        new = Notice.objects.bulk_create(
            Notice(
                invitation_id=pk, kind=kind, key=key, delivery=Notice.Delivery.QUEUED, queued_at=now
            )
            for pk in ids
            if pk not in existing
        )
        queued += [notice.pk for notice in new]
        queue_in_batches(deliver_notices, queued)
    if sent_by is not None:
        log_event("notices_queued", user=sent_by, kind=kind, count=len(queued))
    return len(queued)


def send_reminders(*, meeting: Meeting, sent_by) -> int:
    return queue_notices(
        invitations=reminder_recipients(meeting),
        kind=Notice.Kind.REMINDER,
        key=timezone.localdate().isoformat(),
        sent_by=sent_by,
    )


def send_change_notices(*, meeting: Meeting, sent_by) -> int:
    return queue_notices(
        invitations=change_notice_recipients(meeting),
        kind=change_notice_kind(meeting),
        key=str(meeting.sequence),
        sent_by=sent_by,
    )


def confirm_answer(*, invitation: Invitation) -> int:
    """The confirmation mail the invitee asked for, once per answer given."""
    return queue_notices(
        invitations=Invitation.objects.filter(pk=invitation.pk),
        kind=Notice.Kind.CONFIRMATION,
        key=invitation.answered_at.isoformat(),
    )


def propose_invitees(*, meeting: Meeting, already=None) -> list[tuple[ContactPerson, str]]:
    """Who should be invited, with why: the core circle, then those working on the theme.

    Contacts who do not receive invitations never appear; those already invited (or, for a
    date poll, `already` asked: contact ids) are left out. For an organisation whose topics
    match but none of whose contacts has the theme as their own topic, its editors stand for
    it (the organisation's main contacts).
    """
    invited = Invitation.objects.filter(meeting=meeting).values("contact_id")
    if already is not None:
        invited = already
    contacts = (
        ContactPerson.objects.filter(receives_invitations=True)
        .exclude(pk__in=invited)
        .select_related("organisation")
        .order_by("organisation__sort_name", "sort_name")
    )
    core = [
        (c, Invitation.Reason.CORE_CIRCLE)
        for c in contacts.filter(organisation__in_core_circle=True)
    ]
    chosen = {contact.pk for contact, _reason in core}
    by_topic = contacts.filter(topics=meeting.theme).exclude(pk__in=chosen)
    # Counted over everyone, invited or not: once the topic's own person is invited, the
    # organisation's editors are not proposed in their place.
    with_topic_people = set(
        ContactPerson.objects.filter(topics=meeting.theme).values_list("organisation_id", flat=True)
    )
    main_contacts = (
        contacts.filter(organisation__topics=meeting.theme, is_editor=True)
        .exclude(pk__in=chosen)
        .exclude(organisation_id__in=with_topic_people)
    )
    theme = [(c, Invitation.Reason.THEME) for c in [*by_topic, *main_contacts]]
    return core + theme


def objectors(*, meeting: Meeting) -> list[tuple[ContactPerson, datetime.datetime]]:
    """Who would have been proposed but objected to further invitations, with since when:
    the office sees them instead of wondering where they went."""
    candidates = (
        ContactPerson.objects.filter(receives_invitations=False)
        .filter(
            Q(organisation__in_core_circle=True)
            | Q(topics=meeting.theme)
            | Q(organisation__topics=meeting.theme, is_editor=True)
        )
        .select_related("organisation")
        .order_by("organisation__sort_name", "sort_name")
        .distinct()
    )
    by_hash = {address_hash(contact.email): contact for contact in candidates}
    since = dict(
        SuppressedAddress.objects.filter(email_hash__in=by_hash).values_list(
            "email_hash", "created_at"
        )
    )
    return [(contact, since[key]) for key, contact in by_hash.items() if key in since]


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


def check_substitute_allowed(invitation: Invitation) -> None:
    """One substitute per invitation, and a substitute names nobody further (ValidationError)."""
    if invitation.reason == Invitation.Reason.SUBSTITUTE:
        raise ValidationError(
            _("As a substitute you cannot name someone else. Please get in touch with the office.")
        )
    named = invitation.substitutes.exists()
    if named or SubstituteProposal.objects.filter(invitation=invitation).exists():
        raise ValidationError(_("You have already named someone to stand in for you."))


def substitute_colleagues(invitation: Invitation):
    """Whom the invitee may name from the directory: contact persons of their organisation who
    receive invitations, are shown to members, and are not invited to this meeting yet."""
    invited = Invitation.objects.filter(meeting_id=invitation.meeting_id).values("contact_id")
    return (
        ContactPerson.objects.filter(
            organisation_id=invitation.contact.organisation_id,
            receives_invitations=True,
            visibility__in=[ContactPerson.Visibility.MEMBERS, ContactPerson.Visibility.PUBLIC],
        )
        .exclude(pk__in=invited)
        .order_by("sort_name")
    )


def locked_for_substitute(invitation: Invitation) -> Invitation:
    """The invitation under its row lock, once it may still name a substitute."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting", "contact__organisation")
        .get(pk=invitation.pk)
    )
    check_substitute_allowed(locked)
    return locked


def stands_down(invitation: Invitation) -> None:
    """Someone else comes: the invitee's own answer becomes "no"."""
    invitation.answer = Invitation.Answer.NO
    invitation.persons = 1
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answer", "persons", "answered_at", "updated_at"])


def invite_substitute(invitation: Invitation, contact: ContactPerson) -> Invitation:
    """The substitute's own invitation, queued at once (inside the caller's transaction)."""
    substitute = Invitation.objects.create(
        meeting=invitation.meeting,
        contact=contact,
        reason=Invitation.Reason.SUBSTITUTE,
        substitute_for=invitation,
        delivery=Invitation.Delivery.QUEUED,
        queued_at=timezone.now(),
    )
    queue_in_batches(deliver_invitations, [substitute.pk])
    return substitute


def name_substitute(*, invitation: Invitation, colleague: ContactPerson) -> Invitation:
    """A colleague already in the directory comes instead: they are invited at once and the
    invitee's answer becomes "no". Raises ValidationError (German), changing nothing, when the
    invitation may not name a substitute or the colleague is not one it may name."""
    with transaction.atomic():
        locked = locked_for_substitute(invitation)
        if not substitute_colleagues(locked).filter(pk=colleague.pk).exists():
            raise ValidationError(_("Please choose a person from the list."))
        substitute = invite_substitute(locked, colleague)
        stands_down(locked)
    return substitute


def propose_substitute(*, invitation: Invitation, name: str, email: str) -> SubstituteProposal:
    """A person not in the directory comes instead: a proposal the office confirms or rejects.

    Nothing is created in the directory and nothing is sent until the office confirms, and the
    answer is the same for every address (no hint whether it is known or suppressed).
    """
    with transaction.atomic():
        locked = locked_for_substitute(invitation)
        proposal = SubstituteProposal(invitation=locked, name=name.strip(), email=email.strip())
        proposal.full_clean()
        proposal.save()
        stands_down(locked)
    return proposal


def confirm_substitute(*, proposal: SubstituteProposal, confirmed_by) -> Invitation:
    """The office confirms a proposed substitute: entered (visible to staff and the own
    organisation) unless already there, and invited. ValidationError when they cannot be."""
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting", "contact__organisation")
            .get(pk=proposal.invitation_id)
        )
        proposal = SubstituteProposal.objects.filter(pk=proposal.pk).first()
        if proposal is None:
            raise ValidationError(_("This proposal has already been decided."))
        contact = contact_by_email(
            locked.contact.organisation, name=proposal.name, email=proposal.email
        )
        if contact.pk == locked.contact_id:
            raise ValidationError(_("The proposed address is the invitee's own."))
        if not contact.receives_invitations:
            raise ValidationError(
                _("This address cannot be invited: the person objected or was erased.")
            )
        if Invitation.objects.filter(meeting=locked.meeting, contact=contact).exists():
            raise ValidationError(_("This person is already invited to this meeting."))
        substitute = invite_substitute(locked, contact)
        proposal.delete()
    log_event("substitute_confirmed", user=confirmed_by, invitation=substitute.pk)
    return substitute


def reject_substitute(*, proposal: SubstituteProposal, rejected_by) -> None:
    """The office rejects a proposed substitute: the name and address are not kept."""
    SubstituteProposal.objects.filter(pk=proposal.pk).delete()
    log_event("substitute_rejected", user=rejected_by, invitation=proposal.invitation_id)


def invite_guest(
    *, meeting: Meeting, name: str, email: str, role: str, organisation: Organisation
) -> int:
    """A guest added on the spot; `organisation` may be new (unsaved), then it is created."""
    with transaction.atomic():
        if organisation.pk is None:
            organisation.slug = unique_slug(organisation.name)
            organisation.save()
        contact = contact_by_email(organisation, name=name, email=email, role=role)
        return add_invitations(meeting=meeting, contacts=[contact], reason=Invitation.Reason.STAFF)


def request_participation(
    *, meeting: Meeting, name: str, organisation_name: str, email: str, message: str
) -> None:
    """Someone not invited asks to take part. The answer is the same for every address: a
    second request from an address for the same meeting changes nothing, and nothing is sent
    to the address until the office decides. ValidationError (German) for a bad field or a
    meeting that takes no requests."""
    if not meeting.open_for_requests:
        raise ValidationError(_("This meeting takes no more requests to take part."))
    participation = ParticipationRequest(
        meeting=meeting,
        name=name.strip(),
        organisation_name=organisation_name.strip(),
        email=email.strip(),
        message=message.strip(),
    )
    participation.full_clean(validate_constraints=False)
    if meeting.participation_requests.filter(email__iexact=participation.email).exists():
        return
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:
        pass  # the same address at the same moment: asked once is enough


def pending_request(participation: ParticipationRequest) -> ParticipationRequest:
    """The request under its row lock while the office has not decided it (ValidationError)."""
    locked = (
        ParticipationRequest.objects.select_for_update()
        .select_related("meeting")
        .filter(pk=participation.pk, declined_at__isnull=True)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This request has already been decided."))
    return locked


def accept_request(
    *, participation: ParticipationRequest, organisation: Organisation, accepted_by
) -> None:
    """The office accepts: the person is entered (visible to the office and the organisation)
    and noted for the round as a guest, under the rules of any guest; the request goes.
    ValidationError, changing nothing, when they cannot be invited."""
    with transaction.atomic():
        locked = pending_request(participation)
        if not locked.meeting.open_for_requests:
            raise ValidationError(_("This meeting takes no more requests to take part."))
        added = invite_guest(
            meeting=locked.meeting,
            name=locked.name,
            email=locked.email,
            role="",
            organisation=organisation,
        )
        if not added:
            raise ValidationError(
                _("This person is already invited or does not receive invitations.")
            )
        locked.delete()
    log_event("participation_accepted", user=accepted_by, meeting=participation.meeting_id)


def decline_request(*, participation: ParticipationRequest, declined_by) -> None:
    """The office declines: a polite mail goes out through the worker (once); the request is
    removed with the meeting's other personal data once the meeting is over."""
    with transaction.atomic():
        locked = pending_request(participation)
        locked.declined_at = locked.queued_at = timezone.now()
        locked.delivery = ParticipationRequest.Delivery.QUEUED
        locked.save(update_fields=["declined_at", "queued_at", "delivery", "updated_at"])
        queue_in_batches(deliver_declines, [locked.pk])
    log_event("participation_declined", user=declined_by, meeting=participation.meeting_id)


def delete_request(*, participation: ParticipationRequest, deleted_by) -> None:
    """The office deletes a request without answering (nonsense, or an address typed by
    someone else): nothing is sent and nothing is kept."""
    ParticipationRequest.objects.filter(pk=participation.pk, declined_at__isnull=True).delete()
    log_event("participation_deleted", user=deleted_by, meeting=participation.meeting_id)


def contact_by_email(organisation: Organisation, *, name: str, email: str, role: str = ""):
    """The organisation's contact with this address, or a new one only staff and it can see."""
    contact = organisation.contacts.filter(email__iexact=email).first()
    if contact is None:
        contact = ContactPerson.objects.create(
            organisation=organisation,
            name=name,
            email=email,
            role=role,
            visibility=ContactPerson.Visibility.STAFF,
        )
    return contact


def object_to_invitations(*, invitation: Invitation | None = None, contact=None) -> None:
    """The invitee (or a poll's participant) wants no further invitations: takes effect at
    once for every send."""
    contact = contact or invitation.contact
    contact.receives_invitations = False
    contact.save(update_fields=["receives_invitations", "updated_at"])  # kept in the history
    SuppressedAddress.add(contact.email)


def lift_objection(*, invitation: Invitation) -> bool:
    """The person wants invitations again: only from a link that was sent to their address.
    Returns whether there was an objection to lift (an entry an editor set to receive no
    invitations stays as it is). The objection held for every entry with the address (one
    person may be entered at two organisations), and so does lifting it."""
    email = invitation.contact.email
    if not SuppressedAddress.contains(email):
        return False
    SuppressedAddress.remove(email)
    for contact in ContactPerson.objects.with_address(email).filter(receives_invitations=False):
        contact.receives_invitations = True
        contact.save(update_fields=["receives_invitations", "updated_at"])  # kept in the history
    return True


def record_attendance(*, meeting: Meeting, present_ids: set[int]) -> None:
    """Who came, ticked once the meeting has begun; the archive's figures follow from it (and
    from nothing else). ValidationError for a meeting that has not begun."""
    if not meeting.has_begun:
        raise ValidationError(_("Attendance can be recorded once the meeting has begun."))
    with transaction.atomic():
        invitations = Invitation.objects.filter(meeting=meeting)
        invitations.filter(pk__in=present_ids).update(attended=True)
        invitations.exclude(pk__in=present_ids).update(attended=False)
        present = invitations.filter(attended=True)
        meeting.participants_count = present.count()
        meeting.organisations_count = present.values("contact__organisation").distinct().count()
        meeting.save(update_fields=["participants_count", "organisations_count", "updated_at"])
