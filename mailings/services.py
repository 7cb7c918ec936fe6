"""Workflows of mailings: who a selection reaches, adding recipients, sending once through the
worker, and the person's own "keine Rundmails mehr"."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mailings.models import Mailing, Recipient
from mailings.tasks import deliver_mailings
from meetings.models import Invitation, Meeting
from meetings.tasks import queue_in_batches
from organisations.models import ContactPerson, Organisation, Region, Topic

# The directory's own selections; each narrows "everyone who receives mail".
AUDIENCES = {
    "alle": _("everyone who receives e-mail from the network"),
    "stammkreis": _("the core circle"),
    "eingeladen": _("those invited to a meeting"),
    "anwesend": _("those present at a meeting"),
}


def reachable() -> QuerySet[ContactPerson]:
    """Everyone a mailing may go to: who receives mail from the network (not on the
    suppression list, not set to receive nothing) and did not decline mailings, through this
    entry or another with the address (one entered later, at another organisation, too)."""
    declined = ContactPerson.objects.filter(
        email__iexact=OuterRef("email"), mailings_declined_at__isnull=False
    )
    contacts = ContactPerson.objects.filter(receives_invitations=True, mailings_declined_at=None)
    return contacts.exclude(Exists(declined))


def select_contacts(
    *,
    audience: str = "alle",
    topic: Topic | None = None,
    kind: str = "",
    region: Region | None = None,
    meeting: Meeting | None = None,
    among: QuerySet[ContactPerson] | None = None,
) -> QuerySet[ContactPerson]:
    """The persons a selection reaches; the filters combine (all must hold). `among`: whom
    to look among instead of those a mailing may reach (to tell the office who is left out)."""
    contacts = reachable() if among is None else among
    if audience == "stammkreis":
        contacts = contacts.filter(organisation__in_core_circle=True)
    elif audience in ("eingeladen", "anwesend") and meeting is not None:
        # Invited: the invitation went out (one only noted in the round does not count).
        invited = Invitation.objects.filter(meeting=meeting, delivery=Invitation.Delivery.SENT)
        if audience == "anwesend":
            invited = invited.filter(attended=True)
        contacts = contacts.filter(pk__in=invited.values("contact"))
    if topic is not None:
        contacts = contacts.filter(Q(topics=topic) | Q(organisation__topics=topic))
    if kind:
        contacts = contacts.filter(organisation__kind=kind)
    if region is not None:
        contacts = contacts.filter(
            organisation__in=Organisation.objects.in_region(region).values("pk")
        )
    return contacts.distinct()


def add_recipients(*, mailing: Mailing, contacts: QuerySet | list) -> int:
    """Add `contacts` (who may receive it and are not on the list yet); returns how many.
    One mail per address: someone entered at two organisations is on the list once. A
    selection stays a subquery: only the persons' keys and addresses are read."""
    chosen = contacts.values("pk") if isinstance(contacts, QuerySet) else [c.pk for c in contacts]
    allowed = reachable().filter(pk__in=chosen).order_by("pk")
    listed = set(mailing.recipients.values_list(Lower("contact__email"), flat=True))
    new = []
    for contact_id, email in allowed.values_list("pk", Lower("email")):
        if email in listed:
            continue
        listed.add(email)
        recipient = Recipient(mailing=mailing, contact_id=contact_id)
        recipient.new_link()
        new.append(recipient)
    Recipient.objects.bulk_create(new, batch_size=1000)
    return len(new)


def send_mailing(*, mailing: Mailing) -> int:
    """Queue every recipient not sent yet (new ones, and those whose mail failed) for the
    worker, in batches over one connection each; a second click queues nothing twice (the
    mailing's row lock, and each mail's own lock when it is sent). Returns how many."""
    with transaction.atomic():
        Mailing.objects.select_for_update().filter(pk=mailing.pk).first()
        waiting = mailing.recipients.filter(
            delivery__in=[Recipient.Delivery.DRAFT, Recipient.Delivery.FAILED]
        )
        ids = list(waiting.values_list("pk", flat=True))
        now = timezone.now()
        waiting.update(delivery=Recipient.Delivery.QUEUED, queued_at=now, delivery_error="")
        if ids and mailing.sent_at is None:
            Mailing.objects.filter(pk=mailing.pk).update(sent_at=now)
        queue_in_batches(deliver_mailings, ids)
    return len(ids)


def decline_mailings(*, recipient: Recipient) -> None:
    """ "Keine Rundmails mehr", from the person's own link: recorded with the time."""
    # The choice is the person's, for every entry of the address the mailing went to.
    ContactPerson.objects.with_address(recipient.contact.email).filter(
        mailings_declined_at=None
    ).update(mailings_declined_at=timezone.now(), updated_at=timezone.now())


def resume_mailings(*, recipient: Recipient) -> None:
    """Only the person, from a link mailed to them, receives mailings again."""
    ContactPerson.objects.with_address(recipient.contact.email).update(
        mailings_declined_at=None, updated_at=timezone.now()
    )
