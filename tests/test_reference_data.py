"""The benchmark's reference data: the asked-for sizes, reproducible from the seed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Invitation, Meeting
from organisations.models import ContactPerson, Organisation

SMALL = ["--organisations", "40", "--contacts-per-organisation", "5", "--meetings", "6"]


def build(seed=1):
    out = StringIO()
    call_command("reference_data", *SMALL, "--invitations", "350", "--seed", str(seed), stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Organisation.objects.order_by("pk").values_list("name", "kind", "listed_publicly")),
        list(ContactPerson.objects.order_by("pk").values_list("name", "email")),
        list(Invitation.objects.order_by("pk").values_list("meeting__title", "answer", "persons")),
    )


def test_reference_data_has_the_sizes_and_one_meeting_with_300_invitations(db):
    assert "40 organisations, 200 contact persons, 6 meetings, 350 invitations" in build()

    assert Organisation.objects.count() == 40
    assert ContactPerson.objects.count() == 200
    assert Meeting.objects.filter(poll__isnull=True).count() == 6
    biggest = Meeting.objects.get(title="Vernetzungstreffen Referenz 300")
    assert biggest.invitations.count() == 200  # all contacts: fewer than 300 exist here
    assert Invitation.objects.count() == 350
    assert Organisation.objects.filter(topics__isnull=False).distinct().count() == 40
    with pytest.raises(CommandError):
        build()  # only on an empty database


def test_the_same_seed_gives_the_same_data(db):
    build(seed=7)
    first = snapshot()
    Invitation.objects.all().delete()
    ContactPerson.objects.all().delete()
    Organisation.objects.all().delete()
    Meeting.objects.all().delete()

    build(seed=7)

    assert snapshot() == first
