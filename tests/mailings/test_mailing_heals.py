"""A mailing survives a worker killed mid-batch and a second click (issue 18): every person
receives it once; at most the mail in flight goes twice, with the same Message-ID, marked.
PostgreSQL only: real worker processes share the test database."""

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mailings.models import Mailing, Recipient
from mailings.services import add_recipients, send_mailing
from tests.factories import ContactPersonFactory
from tests.meetings.test_worker_heals import message_ids, start_worker, stop, until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes need a shared database (PostgreSQL); CI runs it there",
    ),
]


def test_a_mailing_reaches_everyone_once_through_a_killed_worker_and_a_second_click(smtp, tmp_path):
    people = ContactPersonFactory.create_batch(200)
    mailing = Mailing.objects.create(subject="Rundbrief", body="Liebe Alle")
    add_recipients(mailing=mailing, contacts=people)
    assert send_mailing(mailing=mailing) == 200
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in "ab"]  # noqa: SIM115
    first = start_worker(smtp, "worker-a", logs[0])
    second = start_worker(smtp, "worker-b", logs[1])
    running_under_first = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, worker_ids=["worker-a"]
    )
    queued = Recipient.objects.filter(delivery="queued")
    try:
        until(lambda: len(smtp.handler.messages) >= 30 and running_under_first.exists(), 60)
        first.kill()  # SIGKILL, mid-batch
        first.wait()
        assert send_mailing(mailing=mailing) == 0  # the second click queues nothing again
        until(lambda: not queued.exists(), timeout=90, step=0.2)
    finally:
        stop(first, second)
        for log in logs:
            log.close()

    received = message_ids(smtp)
    assert len(received) == 200
    assert set(mailing.recipients.values_list("delivery", flat=True)) == {"sent"}
    duplicates = [message_id for message_id, times in received.items() if times > 1]
    assert len(duplicates) <= 1
    if duplicates:
        assert mailing.recipients.filter(possibly_duplicate=True).count() == 1
