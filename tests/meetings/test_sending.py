"""Sending invitations through django.tasks and django-tasks-db's worker, each mail once."""

import datetime
import email
import smtplib
import threading
from collections import Counter
from email import policy

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import tasks
from meetings.models import Invitation, Meeting
from meetings.services import send_invitations, send_reminders
from meetings.tasks import deliver_invitations
from organisations.models import ContactPerson
from tests.conftest import run_worker
from tests.factories import ContactPersonFactory, InvitationFactory, MeetingFactory

# The worker runs in this process and closes database connections as a real one does, so these
# tests commit for real instead of running inside a rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round_of_three(staff_user):
    meeting = MeetingFactory(title="Vernetzungstreffen Gesundheit")
    invitations = [InvitationFactory(meeting=meeting) for _ in range(3)]
    return meeting, invitations


def queue(meeting, staff_user, capture):
    with capture(execute=True):
        return send_invitations(meeting=meeting, sent_by=staff_user)


def recipients() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_send_queues_and_the_worker_sends_each_once(
    round_of_three, staff_user, django_capture_on_commit_callbacks, caplog
):
    meeting, invitations = round_of_three

    with caplog.at_level("INFO", logger="netzwerk.security"):
        assert queue(meeting, staff_user, django_capture_on_commit_callbacks) == 3
    assert mail.outbox == []  # the request only queues
    assert f"event=invitations_queued user={staff_user.pk} meeting={meeting.pk} count=3" in (
        caplog.text
    )
    run_worker()

    assert recipients() == Counter({invitation.contact.email: 1 for invitation in invitations})
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"sent"}


def test_send_clicked_twice_queues_nothing_more(
    round_of_three, staff_user, django_capture_on_commit_callbacks
):
    meeting, _invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)

    second = queue(meeting, staff_user, django_capture_on_commit_callbacks)
    run_worker()
    third = queue(meeting, staff_user, django_capture_on_commit_callbacks)
    run_worker()

    assert (second, third) == (0, 0)
    assert len(mail.outbox) == 3


def test_task_run_twice_sends_once(round_of_three, staff_user, django_capture_on_commit_callbacks):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)

    results = [deliver_invitations.call([invitations[0].pk]) for _ in range(2)]

    assert results == [{"sent": 1}, {"skipped": 1}]
    assert recipients()[invitations[0].contact.email] == 1


def test_worker_crash_mid_batch_then_restart_sends_the_rest_once(
    round_of_three, staff, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    crash_for = invitations[1].contact.email
    real_send = mail.EmailMultiAlternatives.send

    def crashing_send(message, *args, **kwargs):
        if message.to == [crash_for]:
            raise RuntimeError("worker killed")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", crashing_send)
    run_worker()
    assert Invitation.objects.get(pk=invitations[1].pk).delivery == "queued"
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)

    # The round page offers to send it again once it has been queued for a while.
    assert send_invitations(meeting=meeting, sent_by=staff_user) == 0  # not stuck yet
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text
        assert "1 Einladung versenden" in page
        with django_capture_on_commit_callbacks(execute=True):
            assert send_invitations(meeting=meeting, sent_by=staff_user) == 1
    run_worker()

    assert recipients() == Counter({invitation.contact.email: 1 for invitation in invitations})


def test_a_mail_that_cannot_be_written_stays_queued_and_the_rest_go(
    round_of_three, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    """The batch's mails are written before the first is sent: an error writing one holds up
    none of the others, and the task shows it."""
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    broken = invitations[1]
    real_message = tasks.invitation_message

    def writing(invitation):
        if invitation.pk == broken.pk:
            raise ValueError("template error")
        return real_message(invitation)

    monkeypatch.setattr(tasks, "invitation_message", writing)
    with pytest.raises(ValueError, match="template error"):
        deliver_invitations.call([invitation.pk for invitation in invitations])

    assert Invitation.objects.get(pk=broken.pk).delivery == "queued"
    assert sorted(recipients()) == sorted(
        invitation.contact.email for invitation in invitations if invitation != broken
    )


def test_a_lost_database_while_the_mails_are_written_is_waited_out(
    round_of_three, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    """Writing a mail may read (a poll's dates): as for sending, the worker waits for the
    database and goes on."""
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    real_message, calls = tasks.invitation_message, []

    def writing(invitation):
        calls.append(invitation.pk)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_message(invitation)

    monkeypatch.setattr(tasks, "invitation_message", writing)
    monkeypatch.setattr(tasks, "CONNECTION_LOST", (DatabaseError,))
    monkeypatch.setattr("common.worker.CONNECTION_LOST", (DatabaseError,))
    monkeypatch.setattr("common.worker.wait_for_database", lambda error=None: None)

    assert deliver_invitations.call([i.pk for i in invitations]) == {"sent": 3}


def test_transient_failure_is_retried_later_and_recorded(
    round_of_three, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)

    def refused(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refused)
    before = timezone.now()

    result = deliver_invitations.call([invitations[0].pk])

    invitation = Invitation.objects.get(pk=invitations[0].pk)
    assert result == {"deferred": 1}
    assert invitation.delivery == "queued"  # another try follows
    assert invitation.attempts == 1
    assert "SMTPServerDisconnected" in invitation.delivery_error
    retry = DBTaskResult.objects.filter(args_kwargs__args=[[invitation.pk]]).latest("enqueued_at")
    assert retry.run_after >= before + datetime.timedelta(minutes=2)  # with back-off


def test_with_the_smtp_server_away_the_batch_waits_together_and_nothing_is_lost(
    round_of_three, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    tries = []

    def away(message, *args, **kwargs):
        tries.append(message.to)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", away)
    ids = [invitation.pk for invitation in invitations]

    result = deliver_invitations.call(ids)

    assert result == {"deferred": 3}
    assert len(tries) == 2  # twice in a row: the third is not tried now
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"queued"}
    later = (
        timezone.now() + datetime.timedelta(minutes=1),
        timezone.now() + datetime.timedelta(hours=1),
    )
    assert DBTaskResult.objects.filter(args_kwargs__args=[ids], run_after__range=later).count() == 1


def test_permanent_failure_is_shown_and_can_be_sent_again(
    round_of_three, staff, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)

    def rejected(message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", rejected)
    run_worker()
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"failed"}
    monkeypatch.undo()
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text
    assert "Der Mailserver hat die Adresse abgewiesen" in page  # in words, not the exception
    assert "SMTPRecipientsRefused" not in page

    assert queue(meeting, staff_user, django_capture_on_commit_callbacks) == 3
    run_worker()
    assert len(mail.outbox) == 3


def test_invitation_mail_parts_and_headers(
    round_of_three, staff_user, django_capture_on_commit_callbacks
):
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    run_worker()
    message = next(m for m in mail.outbox if m.to == [invitations[0].contact.email])
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    invitation = Invitation.objects.get(pk=invitations[0].pk)

    assert parsed["Subject"] == "Einladung: Vernetzungstreffen Gesundheit"
    assert parsed["Message-ID"].startswith(f"<invitation-{invitation.pk}-0.")
    text = parsed.get_body(("plain",)).get_content()
    assert f"Guten Tag {invitation.contact.name}," in text
    assert invitation.get_answer_url() in text
    assert "/datenschutz/" in text
    assert "Ansprechperson" in text  # where the address came from
    assert parsed.get_body(("html",)) is not None
    calendars = [
        part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert len(calendars) == 1
    assert f"UID:{meeting.uid}@netzwerk" in calendars[0].get_content()


def test_name_with_line_breaks_stays_out_of_the_headers(
    staff_user, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Treffen\r\nBcc: opfer@example.org")
    contact = ContactPersonFactory(name="Eve\r\nBcc: opfer@example.org")
    InvitationFactory(meeting=meeting, contact=contact)

    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    run_worker()

    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert mail.outbox[0].recipients() == [contact.email]


@pytest.mark.parametrize("send", [send_invitations, send_reminders])
def test_two_staff_sending_at_once_queue_each_mail_once(round_of_three, staff_user, send):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers need PostgreSQL here: SQLite's in-memory test database (shared "
            "cache) answers a second writer with 'table is locked' instead of waiting."
        )
    meeting, invitations = round_of_three
    if send is send_reminders:
        Invitation.objects.update(delivery=Invitation.Delivery.SENT)
    start = threading.Barrier(2)
    counts = []

    def click():
        start.wait()
        try:
            counts.append(send(meeting=meeting, sent_by=staff_user))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_worker()

    assert sorted(counts) == [0, 3]
    assert recipients() == Counter({invitation.contact.email: 1 for invitation in invitations})


def test_sending_locks_only_the_invitation_not_its_meeting_or_contact(
    round_of_three, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks.")
    meeting, invitations = round_of_three
    queue(meeting, staff_user, django_capture_on_commit_callbacks)
    send_messages = EmailBackend.send_messages
    locked = []

    def try_to_lock():  # another connection, as a staff member saving the meeting would use
        try:
            with transaction.atomic():
                Meeting.objects.select_for_update(nowait=True).get(pk=meeting.pk)
                ContactPerson.objects.select_for_update(nowait=True).get(
                    pk=invitations[0].contact_id
                )
        except DatabaseError:
            locked.append(True)
        finally:
            connection.close()

    def sending(self, messages):
        other = threading.Thread(target=try_to_lock)
        other.start()
        other.join()
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", sending)
    deliver_invitations.call([invitations[0].pk])

    assert locked == []
    assert len(mail.outbox) == 1


def test_the_office_sees_that_sending_resumes_and_what_may_have_gone_twice(
    staff, round_of_three, staff_user
):
    meeting, invitations = round_of_three
    send_invitations(meeting=meeting, sent_by=staff_user)  # queued, the worker not yet there
    Invitation.objects.filter(pk=invitations[0].pk).update(delivery="sent", possibly_duplicate=True)

    page = " ".join(
        staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/").text.split()
    )

    assert "übernimmt ein anderer nach etwa einer Minute seine E-Mails" in page
    assert page.count("möglicherweise doppelt versandt") == 1
