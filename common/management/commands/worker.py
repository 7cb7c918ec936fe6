"""`manage.py worker`: the task worker that sends the mails (common/worker.py)."""

import logging
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from common.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run the task worker (it sends the mails); it survives database restarts and takes "
        "over the tasks of workers that died."
    )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        # The library's loop says "starting" and "exiting" around every task here (Worker.run
        # runs it one task at a time): only its warnings are news. Tasks are still logged.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = Worker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloader's child only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
