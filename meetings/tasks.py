"""Background work: sending mails, in batches of up to BATCH_SIZE over one SMTP connection.

Exactly once: a mail is sent only while its record (an invitation, or a notice after it) is
`queued`, holding the record's row lock from the check until `sent` is committed, one record
after the other. A second task for the same record (a re-click, a retry, a second worker) waits
for that lock and then finds it sent. If the worker dies mid-send, that record's transaction
rolls back and it stays queued for the next run; the only window for a duplicate is a crash
after the SMTP server accepted the mail and before the commit, and then the resent mail carries
the same Message-ID. A lost database connection stops no worker (`retrying`), and the tasks
of a worker that died are taken over by the living ones (common/worker.py).
"""

import datetime
import smtplib
from collections import Counter
from functools import cache, partial
from itertools import batched

from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.worker import CONNECTION_LOST, retrying, taken_over, wait_for_database
from meetings.emails import (
    decline_message,
    invitation_message,
    notice_message,
    poll_message,
    poll_notice_message,
)
from meetings.models import (
    Invitation,
    MailState,
    Notice,
    ParticipationRequest,
    PollNotice,
    PollParticipant,
)
from organisations.models import SuppressedAddress, note_address_refused, refused_for_good

BATCH_SIZE = 50
# Why a queued mail was not sent after all (stored with the delivery, shown to the office).
NOT_SENT = gettext_lazy("Not sent: objection, erasure, mailings declined or a revoked link")
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


def batch_connection() -> SMTPBackend | None:
    """The SMTP connection a batch shares, or None where each mail goes on its own (the
    development backend writes one file per mail; the test outbox)."""
    connection = mailers.default
    return connection if isinstance(connection, SMTPBackend) else None


def deliver(record: MailState, message, connection: SMTPBackend | None) -> str:
    """Send `message` for the locked `record` and store the outcome on it."""
    record.attempts += 1
    try:
        if connection is None:
            message.send()
        else:
            connection.open()  # again after a failure closed it
            connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        if connection is not None:
            connection.close()
        record.delivery_error = f"{type(error).__name__}: {error}"[:500]
        for_good = refused_for_good(error)
        if for_good and record.person_path is not None:
            note_address_refused(record.contact_ids(), error)  # "Adresse prüfen"
        temporary = isinstance(error, TRANSIENT) or (
            isinstance(error, smtplib.SMTPRecipientsRefused) and not for_good
        )
        deferred = temporary and record.attempts < MAX_ATTEMPTS
        if not deferred:
            record.delivery = MailState.Delivery.FAILED
        record.save(update_fields=["attempts", "delivery", "delivery_error"])
        return "deferred" if deferred else "failed"
    record.accepted = True  # by the SMTP server: never sent again, whatever the database does
    record.mark_sent("possibly_duplicate")
    return "sent"


def send_batch(queryset, ids: list[int], build, retry) -> dict[str, int]:
    """Send the queued records among `ids` over one connection, each under its own row lock.

    The records and what their mails show are read in one query, and the mails written one
    after the other (as the bare loop of `make benchmark` does: written between the sends, each
    took twice as long); each record is then locked, sent and committed on its own. An
    unexpected error leaves its record queued (its transaction rolls back) and does not hold
    up the rest; it is raised at the end, so the task shows as failed.

    A lost database stops nothing: the worker waits until it is back and goes on with the same
    record. A mail the SMTP server accepted before the database went away is then stored as
    sent, not sent again. In a task taken over from a worker that died, the first record still
    queued is the one that may have been in flight: it goes out marked "possibly sent twice".
    A transient SMTP failure defers the mail (it stays queued; one task tries again later, with
    back-off); two in a row mean the server is away, and the rest of the batch waits with them.
    """
    records = retrying(lambda: queryset.in_bulk(ids))
    messages, unexpected = {}, None
    for pk, record in records.items():
        try:
            # Writing may read (a poll's dates): a lost database is waited out, as for sending.
            messages[pk] = retrying(partial(build, record))
        except Exception as error:  # noqa: BLE001 (raised again after the batch)
            unexpected = unexpected or error
    results = Counter()
    connection = batch_connection()
    suspect = taken_over()
    deferred, attempts = [], 0
    try:
        for position, pk in enumerate(ids):
            record = records.get(pk)
            if record is not None and pk not in messages:
                continue  # its mail could not be written: it stays queued
            try:
                result = send_surely(record, messages.get(pk), connection, suspect)
            except Exception as error:  # noqa: BLE001 (raised again after the batch)
                unexpected = unexpected or error
                if connection is not None:
                    connection.close()
                continue
            results[result] += 1
            suspect = suspect and result == "skipped"
            if result != "deferred":
                continue
            attempts = max(attempts, record.attempts)
            if deferred and deferred[-1] == ids[position - 1]:
                # Twice in a row: the SMTP server is away. The rest wait with these two
                # instead of each trying (and perhaps timing out) now.
                deferred += ids[position:]
                results["deferred"] += len(ids) - position - 1
                break
            deferred.append(pk)
    finally:
        if connection is not None:
            connection.close()
    if deferred:
        at = timezone.now() + retry_delay(attempts)
        retrying(lambda: retry.using(run_after=at).enqueue(deferred))
    if unexpected is not None:
        raise unexpected
    return dict(results)


def send_surely(record: MailState | None, *args) -> str:
    """send_one(), again while the database is away; a mail the SMTP server accepted before
    the database went away (before or during the commit) is stored as sent once it is back,
    not sent again."""
    while True:
        try:
            return send_one(record, *args)
        except CONNECTION_LOST as error:
            wait_for_database(error)
            if getattr(record, "accepted", False):
                return retrying(partial(record_sent, record))


@transaction.atomic
def record_sent(record: MailState) -> str:
    """Store as sent a mail the SMTP server accepted while the database was away (unless the
    commit went through after all)."""
    locked = (
        type(record)
        .objects.select_for_update(of=("self",))
        .filter(pk=record.pk, delivery="queued")
        .order_by()
        .first()
    )
    if locked is not None:
        locked.attempts, locked.possibly_duplicate = record.attempts, record.possibly_duplicate
        locked.mark_sent("possibly_duplicate")
    return "sent"


@transaction.atomic
def send_one(record: MailState | None, message, connection, suspect=False) -> str:
    """Lock `record` and send its `message` if it is still queued; a second task waits, then
    skips.

    The rules about the person are checked again now, with the lock held: nothing goes to a
    revoked link (an erased person), and no invitation or reminder to someone who objected.
    """
    if record is None:
        return "skipped"
    state = locked_state(type(record), record.pk)
    if state is None:
        return "skipped"
    record.attempts, *person = state
    if record.person_path is None:
        # Yet never to an address that objected or was erased: anyone can type any address
        # into the form.
        withheld = SuppressedAddress.contains(person[0])
    else:
        revoked_at, receives_invitations, *declined = person
        withheld = (
            revoked_at is not None
            or (record.inviting and not receives_invitations)
            or any(value is not None for value in declined)
        )
    if withheld:
        record.delivery = MailState.Delivery.FAILED
        record.delivery_error = str(NOT_SENT)
        record.save(update_fields=["delivery", "delivery_error"])
        return "withheld"
    record.possibly_duplicate = record.possibly_duplicate or suspect
    return deliver(record, message, connection)


def locked_state(model: type[MailState], pk: int) -> tuple | None:
    """Lock the mail `pk` if it is still queued, and read with it the state of its person:
    (attempts, link revoked at, receives mail, *withheld_if_set), or (attempts, address) for
    the answer to someone's own request; None if it is not queued (any more)."""
    sql, params = lock_statement(model, db_connection.vendor)
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [pk if param == ANY_PK else param for param in params])
        return cursor.fetchone()


# Stands for the mail's primary key in the compiled statement.
ANY_PK = -1


@cache
def lock_statement(model: type[MailState], vendor: str) -> tuple[str, tuple]:
    """locked_state()'s statement, compiled by the ORM once per model: compiling it again for
    every mail cost more than running it (docs/performance.md).

    order_by(): the default ordering joins the meeting and the contact, and FOR UPDATE would
    lock their rows too (a staff member saving the meeting would wait for the send); of=self
    locks the mail's own row only, while the person's state is read along.
    """
    queued = (
        model.objects.select_for_update(of=("self",))
        .filter(pk=ANY_PK, delivery=MailState.Delivery.QUEUED)
        .order_by()
    )
    path = model.person_path
    if path is None:
        queued = queued.values_list("attempts", "email")
    else:
        queued = queued.values_list(
            "attempts",
            f"{path}revoked_at",
            f"{path}contact__receives_invitations",
            *model.withheld_if_set,
        )
    return queued.query.sql_with_params()


def queue_in_batches(task, ids: list[int]) -> None:
    """Enqueue `task` for `ids` in batches once the surrounding transaction commits."""
    for batch in batched(ids, BATCH_SIZE, strict=False):
        transaction.on_commit(partial(task.enqueue, list(batch)))


@task()
def deliver_invitations(invitation_ids: list[int]) -> dict[str, int]:
    invitations = Invitation.objects.select_related("meeting__theme", "contact__organisation")
    return send_batch(invitations, invitation_ids, invitation_message, deliver_invitations)


@task()
def deliver_notices(notice_ids: list[int]) -> dict[str, int]:
    notices = Notice.objects.select_related(
        "invitation__meeting__theme", "invitation__contact__organisation"
    )
    return send_batch(notices, notice_ids, notice_message, deliver_notices)


@task()
def deliver_declines(request_ids: list[int]) -> dict[str, int]:
    requests = ParticipationRequest.objects.select_related("meeting")
    return send_batch(requests, request_ids, decline_message, deliver_declines)


@task()
def deliver_poll_mails(participant_ids: list[int]) -> dict[str, int]:
    participants = PollParticipant.objects.select_related(
        "poll__meeting__theme", "contact__organisation"
    )
    return send_batch(participants, participant_ids, poll_message, deliver_poll_mails)


@task()
def deliver_poll_notices(notice_ids: list[int]) -> dict[str, int]:
    notices = PollNotice.objects.select_related(
        "participant__poll__meeting__theme", "participant__contact__organisation"
    )
    return send_batch(notices, notice_ids, poll_notice_message, deliver_poll_notices)
