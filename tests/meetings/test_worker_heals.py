"""Sending heals itself (issue 20): real worker processes (`manage.py worker`) send to a real
SMTP server while their database connection is cut or one of them is killed; the mails are
counted at the server by Message-ID. PostgreSQL only: the workers share the test database."""

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings.models import Invitation
from meetings.services import send_invitations
from tests.factories import InvitationFactory, MeetingFactory
from tests.mailserver import worker_environment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes need a shared database (PostgreSQL); CI runs it there",
    ),
]


def queued_round(count: int, staff_user) -> list[Invitation]:
    meeting = MeetingFactory()
    invitations = InvitationFactory.create_batch(count, meeting=meeting)
    assert send_invitations(meeting=meeting, sent_by=staff_user) == count  # the send button
    return invitations


def start_worker(smtp, name: str, log):
    return subprocess.Popen(  # noqa: S603 — fixed arguments
        [
            sys.executable,
            "manage.py",
            "worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.2",
            f"--worker-id={name}",
        ],
        cwd=settings.BASE_DIR,
        env=worker_environment(smtp),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def until(condition, timeout: float, step: float = 0.01) -> float:
    """Wait until `condition()` holds; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


def stop(*workers) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=30)


def message_ids(smtp) -> Counter:
    return Counter(message["Message-ID"] for _to, message in smtp.handler.messages)


def nothing_queued() -> bool:
    return not Invitation.objects.filter(delivery="queued").exists()


def test_a_worker_survives_losing_its_database_mid_batch(smtp, staff_user, tmp_path):
    invitations = queued_round(200, staff_user)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 — closed below
    worker = start_worker(smtp, "worker-a", log)
    try:
        until(lambda: len(smtp.handler.messages) >= 60, timeout=60)
        # Every connection to the test database but this test's own: the worker's (sending,
        # beating) end as in a database restart.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            terminated = cursor.fetchall()
        assert terminated, "the worker held no connection"
        until(nothing_queued, timeout=90, step=0.2)
        until(
            lambda: not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists(),
            timeout=30,
            step=0.2,
        )
        assert worker.poll() is None, "the worker ended"
    finally:
        stop(worker)
        log.close()

    received = message_ids(smtp)
    assert len(received) == len(invitations)  # every one delivered
    assert sum(received.values()) - len(received) <= 1  # at most the one in flight, again
    assert Invitation.objects.filter(delivery="sent").count() == len(invitations)
    assert "database unavailable" in (tmp_path / "worker.log").read_text()


def test_the_mails_of_a_killed_worker_go_out_from_the_other_without_a_click(
    smtp, staff_user, tmp_path
):
    invitations = queued_round(300, staff_user)
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in "ab"]  # noqa: SIM115
    first = start_worker(smtp, "worker-a", logs[0])
    second = start_worker(smtp, "worker-b", logs[1])
    running_under_first = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, worker_ids=["worker-a"]
    )
    try:
        until(
            lambda: len(smtp.handler.messages) >= 40 and running_under_first.exists(),
            timeout=60,
        )
        taken = running_under_first.get().pk
        first.kill()  # SIGKILL, mid-batch
        first.wait()
        took = until(nothing_queued, timeout=90, step=0.2)
        assert second.poll() is None
    finally:
        stop(first, second)
        for log in logs:
            log.close()

    received = message_ids(smtp)
    assert len(received) == len(invitations)
    duplicates = [message_id for message_id, times in received.items() if times > 1]
    assert len(duplicates) <= 1  # the one that was in flight, with the same Message-ID
    flagged = Invitation.objects.filter(possibly_duplicate=True)
    assert flagged.count() <= 1
    if duplicates:
        assert flagged.count() == 1
    # The killed worker's task was run again, by the other, without the send button.
    assert DBTaskResult.objects.get(pk=taken).worker_ids == ["worker-a", "worker-b"]
    assert took < 6 + 10 + 30  # silent for WORKER_ABANDONED_AFTER, one look, the sending
