"""The date polls in the demo data (the youth meeting, "1. Quartal 2027") and in the
benchmark's reference data (300 people × 12 dates)."""

import datetime
from collections import Counter
from io import StringIO

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting, PollAnswer, PollParticipant
from meetings.polls import outside_period
from netzwerk.management.commands.demo_data import poll_schedule
from organisations.models import ContactPerson

ZONE = timezone.get_default_timezone()


def test_demo_data_youth_meeting_is_announced_with_an_open_poll_half_answered(db, settings):
    settings.DEBUG = True
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=ZONE), tick=False):
        call_command("demo_data", stdout=StringIO())

        youth = Meeting.objects.get(slug="kinder-und-jugendliche")
        poll = youth.poll
        slots = list(poll.slots.all())
        participants = poll.participants.all()

        assert youth.status == "announced" and not youth.has_date
        assert youth.period_label == "1. Quartal 2027"
        assert not youth.invitations.exists()
        assert poll.is_open
        assert poll.deadline == datetime.datetime(2026, 12, 31, 23, 59, tzinfo=ZONE)
        assert len(slots) == 5 and outside_period(poll) == []
        assert all(timezone.localtime(slot.starts_at).weekday() < 5 for slot in slots)
        core = ContactPerson.objects.filter(
            organisation__in_core_circle=True, receives_invitations=True
        )
        assert set(core.values_list("pk", flat=True)) <= {p.contact_id for p in participants}
        assert set(participants.values_list("delivery", flat=True)) == {"sent"}
        answered = participants.filter(answered_at__isnull=False)
        assert answered.count() == participants.count() // 2
        choices = Counter(
            PollAnswer.objects.filter(slot__poll=poll).values_list("choice", flat=True)
        )
        assert set(choices) == {"yes", "maybe", "no"}
        assert sum(choices.values()) == answered.count() * 5
        # Every other demo meeting keeps its date and state.
        assert list(
            Meeting.objects.exclude(pk=youth.pk).values_list("slug", "status", "starts_at")
        ) == [
            ("bildung-und-sprache", "held", datetime.datetime(2026, 5, 12, 14, tzinfo=ZONE)),
            (
                "asylverfahren-und-aufenthalt",
                "held",
                datetime.datetime(2026, 10, 27, 14, tzinfo=ZONE),
            ),
            ("gesundheit", "scheduled", datetime.datetime(2026, 12, 10, 14, tzinfo=ZONE)),
            ("wohnen", "cancelled", datetime.datetime(2026, 12, 16, 10, tzinfo=ZONE)),
            ("arbeit-und-ausbildung", "announced", None),
        ]

        staff = Client()
        staff.force_login(get_user_model().objects.get(email="staff@example.org"))
        results = staff.get("/geschaeftsstelle/treffen/kinder-und-jugendliche/abstimmung/")
        answer = Client().get(participants.first().get_answer_url())

    assert results.status_code == 200
    assert f"{answered.count()} von {participants.count()}" in results.text
    assert answer.status_code == 200 and "Dienstag, 16. Februar 2027" in answer.text


def test_demo_poll_moves_on_by_52_weeks_when_its_deadline_has_passed():
    now = datetime.datetime(2027, 1, 28, 9, tzinfo=ZONE)  # less than a week before 1 February

    deadline, slots = poll_schedule(now)

    assert now < deadline < slots[0][0]
    assert timezone.localtime(deadline).date() == datetime.date(2027, 2, 27)  # in 30 days
    assert [timezone.localtime(start).date() for start, _end in slots][:2] == [
        datetime.date(2028, 2, 15),
        datetime.date(2028, 2, 17),
    ]
    assert {timezone.localtime(start).strftime("%a %H") for start, _ in slots} <= {
        "Tue 14",
        "Wed 14",
        "Thu 14",
    }


def test_reference_data_poll_everyone_answered_every_date(staff):
    call_command(
        "reference_data",
        *["--organisations", "80", "--meetings", "4", "--invitations", "50"],
        stdout=StringIO(),
    )

    meeting = Meeting.objects.get(slug="terminabstimmung-referenz")
    poll = meeting.poll
    participants = PollParticipant.objects.filter(poll=poll)

    assert meeting.status == "announced" and not meeting.has_date
    assert meeting.period_year == timezone.localdate().year + 1 and meeting.period_quarter == 1
    assert poll.is_open and poll.slots.count() == 12 and outside_period(poll) == []
    assert participants.count() == 300
    assert set(participants.values_list("delivery", flat=True)) == {"sent"}
    assert PollAnswer.objects.filter(slot__poll=poll).count() == 300 * 12
    assert Client().get(participants.first().get_answer_url()).status_code == 200
    page = staff.get("/geschaeftsstelle/treffen/terminabstimmung-referenz/abstimmung/")
    assert "300 von 300" in page.text
