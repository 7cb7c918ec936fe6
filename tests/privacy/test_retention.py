"""`manage.py retention`: personal data past its period goes, recent data stays."""

import datetime
import os
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.models import Invitation, Notice
from meetings.tasks import deliver_invitations
from organisations.models import ContactPerson
from tests.factories import ContactPersonFactory, InvitationFactory, MeetingFactory


def meeting_days_ago(days):
    starts = timezone.now() - datetime.timedelta(days=days)
    return MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))


def test_retention_removes_what_is_past_its_period_and_keeps_the_rest(db, settings, tmp_path):
    settings.RETENTION_DAYS = 365
    settings.EMAIL_DIR = tmp_path
    day = datetime.timedelta(days=1)
    old = InvitationFactory(
        meeting=meeting_days_ago(400), note="Rollstuhl, bitte Rampe", delivery_error="550 x"
    )
    Notice.objects.create(invitation=old, kind="reminder", key="k", delivery_error="550 y")
    recent = InvitationFactory(meeting=meeting_days_ago(30), note="Dolmetschung Arabisch")
    with time_machine.travel(timezone.now() - 400 * day):
        former = ContactPersonFactory(name="Frieda Früher")
        former.delete()
        deliver_invitations.enqueue([old.pk])
    DBTaskResult.objects.update(finished_at=timezone.now() - 400 * day, status="SUCCESSFUL")
    deliver_invitations.enqueue([recent.pk])
    (tmp_path / "old.log").write_text("Guten Tag Frieda Früher")
    os.utime(tmp_path / "old.log", (0, (timezone.now() - 400 * day).timestamp()))
    (tmp_path / "new.log").write_text("Guten Tag")
    out = StringIO()

    with time_machine.travel(timezone.now()):
        call_command("retention", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.note, old.delivery_error) == ("", "")
    assert Notice.objects.get().delivery_error == ""
    assert recent.note == "Dolmetschung Arabisch"  # within the period
    assert DBTaskResult.objects.count() == 1  # the recent one
    assert not ContactPerson.history.filter(name="Frieda Früher").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["new.log"]
    assert "1 answer notes, 2 mail errors, 1 task records, 2 history records" in out.getvalue()
    assert Invitation.objects.count() == 2  # answers and figures stay
