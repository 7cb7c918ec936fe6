"""The health endpoint (`/gesundheit/`): 200 or 503, four fields, nothing else; each failing
dependency is said as "fail"."""

import datetime

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from common.models import WorkerBeat
from common.worker import beat
from meetings.tasks import deliver_invitations

pytestmark = pytest.mark.django_db

URL = "/gesundheit/"
FIELDS = {"status", "database", "cache", "worker"}


@pytest.fixture
def worker_beating(db):
    beat("worker-1", timezone.now())


def health(client):
    response = client.get(URL)
    body = response.json()
    assert set(body) == FIELDS  # never more
    assert set(body.values()) <= {"ok", "fail"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, body


def test_all_well(anonymous, worker_beating):
    assert health(anonymous) == (
        200,
        {"status": "ok", "database": "ok", "cache": "ok", "worker": "ok"},
    )


def test_no_worker_or_a_silent_one_fails(anonymous, settings):
    settings.WORKER_ABANDONED_AFTER = 30
    assert health(anonymous) == (
        503,
        {"status": "fail", "database": "ok", "cache": "ok", "worker": "fail"},
    )
    beat("worker-1", timezone.now())
    WorkerBeat.objects.update(beat_at=timezone.now() - datetime.timedelta(seconds=31))
    assert health(anonymous)[1]["worker"] == "fail"


def test_a_queue_the_workers_do_not_take_fails(anonymous, worker_beating):
    waiting = deliver_invitations.enqueue([1])
    assert health(anonymous)[1]["worker"] == "ok"  # just queued
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    assert health(anonymous) == (
        503,
        {"status": "fail", "database": "ok", "cache": "ok", "worker": "fail"},
    )
    # A retry planned for later is not late.
    DBTaskResult.objects.filter(pk=waiting.id).update(
        run_after=timezone.now() + datetime.timedelta(minutes=8)
    )
    assert health(anonymous)[1]["worker"] == "ok"


def test_the_database_down_fails_and_names_no_error(anonymous, worker_beating, monkeypatch):
    def down(self, *args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)

    response = anonymous.get(URL)

    assert response.status_code == 503
    assert response.json()["database"] == "fail" and response.json()["status"] == "fail"
    assert "10.0.0.5" not in response.text and "5432" not in response.text


def test_the_cache_down_fails(anonymous, worker_beating, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379")

    monkeypatch.setattr(cache, "set", down)

    assert health(anonymous) == (
        503,
        {"status": "fail", "database": "ok", "cache": "fail", "worker": "ok"},
    )


def test_only_get_and_head(anonymous, worker_beating):
    assert anonymous.post(URL).status_code == 405
    assert anonymous.head(URL).status_code == 200
