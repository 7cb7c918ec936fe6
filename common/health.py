"""The health endpoint for the reverse proxy and monitoring: `/gesundheit/`.

200 or 503 with a short JSON body, nothing else: whether the database answers, the shared
cache stores and returns a value, and the worker lives (a beat within
WORKER_ABANDONED_AFTER) and keeps up (no task ready for longer than QUEUE_MAX_AGE: the oldest
queued mail waits in such a task). No versions, hosts, counts or error texts: the reasons are in
the logs, for those who run the service.

Not django-health-check: its version 4.8 answers 500 where a proxy expects 503, puts each
check's error text into the body, and knows nothing of this worker.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from common.models import WorkerBeat

logger = logging.getLogger("netzwerk.health")

# A task ready this long and not taken: the workers do not keep up (or none runs).
QUEUE_MAX_AGE = datetime.timedelta(minutes=5)


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_works() -> bool:
    value = get_random_string(12)
    cache.set("health", value, 30)
    return cache.get("health") == value


def worker_lives() -> bool:
    now = timezone.now()
    silent_since = now - datetime.timedelta(seconds=settings.WORKER_ABANDONED_AFTER)
    beating = WorkerBeat.objects.filter(beat_at__gte=silent_since).exists()
    due_since = now - QUEUE_MAX_AGE
    # Ready since then: enqueued for now (run_after is the far future) or planned for then.
    overdue = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max(), enqueued_at__lt=due_since) | Q(run_after__lt=due_since)
    )
    return beating and not overdue.exists()


CHECKS = {"database": database_answers, "cache": cache_works, "worker": worker_lives}


@never_cache
@require_safe
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "fail"
        except Exception:  # noqa: BLE001 — any failure is a failing check, logged in full
            logger.exception("health check %s failed", name)
            results[name] = "fail"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", **results}, status=200 if healthy else 503
    )
