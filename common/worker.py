"""The task worker that heals itself (`manage.py worker`), around django-tasks-db's.

- A lost database connection (a restart, a failover) never ends the process: the worker waits
  for the database with back-off, reconnects and goes on (`wait_for_database`).
- Each worker beats (`WorkerBeat`) every BEAT_SECONDS from a thread of its own. A task still
  "running" under a worker that has not beaten for WORKER_ABANDONED_AFTER (SIGKILL, out of memory,
  host gone) is made ready again, and a living worker runs it: its mails go out about a minute
  later without anyone pressing "send". Sending tasks send only what is still queued, under
  the row lock, so a task run twice sends nothing twice; the one mail that was in flight when
  its worker died may have reached the server already and goes out again with the same
  Message-ID (marked "possibly sent twice", meetings.tasks).
"""

import contextlib
import datetime
import logging
import os
import socket
import threading
import time
from functools import partial

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from common.models import WorkerBeat

logger = logging.getLogger("netzwerk.worker")

# Seconds between beats; without a beat for WORKER_ABANDONED_AFTER seconds a worker counts as
# gone; living workers look for its tasks every RECOVER_EVERY seconds.
BEAT_SECONDS = 5
RECOVER_EVERY = 10


def abandoned_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WORKER_ABANDONED_AFTER)


# The errors of a database that went away (restart, network, terminated connection).
CONNECTION_LOST = (OperationalError, InterfaceError)
_running = threading.local()


def taken_over() -> bool:
    """Whether the task running now was started before by a worker that died (or whose result
    could not be stored): the first of its mails still queued may have been in flight then."""
    return getattr(_running, "taken_over", False)


def wait_for_database(error: Exception | None = None, most: float = 30.0) -> None:
    """Close the broken connection and wait, with back-off up to `most` seconds, until the
    database answers again."""
    delay = 0.5
    logger.warning("database unavailable (%s): waiting", error)
    while True:
        with contextlib.suppress(CONNECTION_LOST):
            connection.close()
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except CONNECTION_LOST:
            time.sleep(delay)
            delay = min(delay * 2, most)
        else:
            logger.warning("database available again")
            return


def beat(worker_id: str, started_at) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def retrying(work):
    """`work()`, again and again while the database is away."""
    while True:
        try:
            return work()
        except CONNECTION_LOST as error:
            wait_for_database(error)


def recover_abandoned_tasks() -> int:
    """Make the tasks of workers that stopped beating ready again; returns how many."""
    cutoff = timezone.now() - abandoned_after()
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).values_list("pk", "worker_ids")
    abandoned = [pk for pk, workers in running if not workers or workers[-1] not in alive]
    # Only while still running: two workers recovering at once make it ready once.
    recovered = DBTaskResult.objects.filter(
        pk__in=abandoned, status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY)
    if recovered:
        logger.warning("%d task(s) of a worker that stopped made ready again", recovered)
    # Beats of workers gone for a day tell nothing more.
    WorkerBeat.objects.filter(beat_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return recovered


class Worker(db_worker.Worker):
    """django-tasks-db's worker, one task at a time, with beats, the recovery of abandoned
    tasks and the wait for a lost database in between."""

    def run(self) -> None:
        started_at = timezone.now()
        logger.info("worker %s started", self.worker_id)
        retrying(partial(beat, self.worker_id, started_at))  # the next ones from the thread
        stop = threading.Event()
        threading.Thread(
            target=self.beat_forever, args=(started_at, stop), daemon=True, name="beat"
        ).start()
        # The library's loop, one task at a time: in between, the recovery.
        once, limit, self.batch, self.max_tasks = self.batch, self.max_tasks, True, 1
        last_recovery, done = 0.0, 0
        try:
            while self.running:
                self._run_tasks = 0
                try:
                    super().run()  # one task, or none ready
                    if time.monotonic() - last_recovery > RECOVER_EVERY:
                        last_recovery = time.monotonic()
                        recover_abandoned_tasks()
                except CONNECTION_LOST as error:
                    wait_for_database(error)
                    continue
                self.startup_delay = False
                done += self._run_tasks
                if limit is not None and done >= limit:
                    return
                if self._run_tasks == 0:
                    if once:
                        return
                    if self.running:
                        time.sleep(self.interval)
        finally:
            stop.set()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """A task whose result could not be stored (the database went away after it ran) is
        made ready again: run twice, a sending task sends nothing twice."""
        _running.taken_over = len(db_task_result.worker_ids) > 1  # claimed before
        try:
            super().run_task(db_task_result)
        except CONNECTION_LOST as error:
            wait_for_database(error)
            again = DBTaskResult.objects.filter(
                pk=db_task_result.pk, status=TaskResultStatus.RUNNING
            )
            retrying(partial(again.update, status=TaskResultStatus.READY))
        finally:
            _running.taken_over = False

    def beat_forever(self, started_at, stop: threading.Event) -> None:
        while not stop.wait(BEAT_SECONDS):
            try:
                beat(self.worker_id, started_at)
            except CONNECTION_LOST:
                pass  # the next beat reconnects
            finally:
                close_old_connections()
