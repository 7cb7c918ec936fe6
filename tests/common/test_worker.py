"""The worker that heals itself (common/worker.py): the tasks of a worker that stopped beating
are made ready again, and a task taken over marks the one mail that may have been in flight.
(Real processes, a cut database connection and SIGKILL: tests/meetings/test_worker_heals.py.)"""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from common.models import WorkerBeat
from common.worker import beat, recover_abandoned_tasks
from meetings.models import Invitation
from meetings.tasks import deliver_invitations
from tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def running_task(worker: str, started_seconds_ago: int) -> DBTaskResult:
    result = deliver_invitations.enqueue([])
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=started_seconds_ago),
        worker_ids=[worker],
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_only_the_tasks_of_a_silent_worker_are_made_ready_again(settings):
    settings.WORKER_ABANDONED_AFTER = 30
    beat("alive", timezone.now())
    beat("silent", timezone.now())
    WorkerBeat.objects.filter(worker_id="silent").update(
        beat_at=timezone.now() - datetime.timedelta(seconds=31)
    )
    of_silent = running_task("silent", started_seconds_ago=60)
    of_alive = running_task("alive", started_seconds_ago=60)
    just_started = running_task("silent", started_seconds_ago=5)  # claimed right before
    never_beat = running_task("gone-before-its-first-beat", started_seconds_ago=60)

    assert recover_abandoned_tasks() == 2
    assert recover_abandoned_tasks() == 0  # once

    def status(task):
        return DBTaskResult.objects.get(pk=task.pk).status

    assert status(of_silent) == status(never_beat) == TaskResultStatus.READY
    assert status(of_alive) == status(just_started) == TaskResultStatus.RUNNING


def test_a_task_taken_over_marks_the_mail_that_may_have_been_in_flight():
    meeting = MeetingFactory()
    sent_before, in_flight, waiting = InvitationFactory.create_batch(3, meeting=meeting)
    Invitation.objects.filter(pk=sent_before.pk).update(delivery="sent")
    Invitation.objects.exclude(pk=sent_before.pk).update(delivery="queued")
    result = deliver_invitations.enqueue([sent_before.pk, in_flight.pk, waiting.pk])
    # As recovery leaves it: claimed once by a worker that died, ready again.
    DBTaskResult.objects.filter(pk=result.id).update(worker_ids=["died"])

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    flagged = dict(Invitation.objects.values_list("pk", "possibly_duplicate"))
    assert flagged == {sent_before.pk: False, in_flight.pk: True, waiting.pk: False}
    assert len(mail.outbox) == 2  # the one sent before is not sent again
    assert DBTaskResult.objects.get(pk=result.id).worker_ids[0] == "died"


def test_a_task_run_the_first_time_marks_nothing():
    invitation = InvitationFactory(delivery="queued")
    deliver_invitations.enqueue([invitation.pk])

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    invitation.refresh_from_db()
    assert invitation.delivery == "sent" and not invitation.possibly_duplicate
    assert WorkerBeat.objects.exists()  # the worker's sign of life
