"""The network in figures (issue 17): what the office reports each year, from the meetings of a
period and the recorded attendance, and what anyone may see, from public data only.

A handful of queries, whatever the number of meetings: the meetings, one row per invitation to
a held meeting (meeting, organisation, answer, attended), the organisations named in them."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from meetings.models import PUBLIC_MINIMUM, Invitation, Meeting
from organisations.models import Organisation, Region, Topic


@dataclass
class MeetingFigures:
    meeting: Meeting
    invited: int = 0
    said_yes: int = 0
    present: int = 0
    organisations: set = field(default_factory=set)  # present
    no_shows: int = 0  # said yes, recorded absent
    recorded: bool = False  # attendance was recorded


@dataclass
class OrganisationFigures:
    organisation: Organisation
    invited: int = 0  # meetings
    attended: int = 0  # meetings


def period_figures(start: datetime.datetime, end: datetime.datetime) -> dict:
    """Everything the office's evaluation shows for the meetings starting in [start, end)."""
    meetings = list(
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .filter(status__in=[Meeting.Status.HELD, Meeting.Status.CANCELLED])
        .select_related("theme")
        .order_by("starts_at", "pk")
    )
    held = {m.pk: MeetingFigures(m) for m in meetings if m.status == Meeting.Status.HELD}
    rows = list(
        Invitation.objects.filter(meeting__in=list(held))
        .values_list("meeting_id", "contact__organisation_id", "answer", "attended", "reason")
        .order_by()
    )
    for meeting_id, organisation_id, answer, attended, _reason in rows:
        figures = held[meeting_id]
        figures.invited += 1
        figures.said_yes += answer == Invitation.Answer.YES
        figures.recorded = figures.recorded or attended is not None
        if attended:
            figures.present += 1
            figures.organisations.add(organisation_id)
        elif attended is False and answer == Invitation.Answer.YES:
            figures.no_shows += 1
    # Who took part, and who was invited and never came, only where attendance was recorded:
    # a meeting without it says nothing about either.
    recorded = [f for f in held.values() if f.recorded]
    counted = {f.meeting.pk for f in recorded}
    by_organisation = {}
    answers = Counter()  # (answer, attended)
    core = set()  # (meeting, organisation) invited as the core circle, as it was then
    for meeting_id, organisation_id, answer, attended, reason in rows:
        if meeting_id not in counted:
            continue
        entry = by_organisation.setdefault(organisation_id, [set(), set()])
        entry[0].add(meeting_id)
        if attended:
            entry[1].add(meeting_id)
        answers[(answer, attended)] += 1
        if reason == Invitation.Reason.CORE_CIRCLE:
            core.add((meeting_id, organisation_id))
    organisations = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=list(by_organisation)).prefetch_related(
            "regions", "topics"
        )
    }
    table = [
        OrganisationFigures(organisations[pk], len(invited), len(attended))
        for pk, (invited, attended) in by_organisation.items()
    ]
    present_ids = {pk for f in recorded for pk in f.organisations}
    core_present = sum(1 for meeting_id, pk in core if pk in held[meeting_id].organisations)
    return {
        "meetings": [held.get(m.pk) or MeetingFigures(m) for m in meetings],
        "held": len(held),
        "cancelled": len(meetings) - len(held),
        "recorded": len(recorded),
        "present": sum(f.present for f in recorded),
        "said_yes": sum(f.said_yes for f in recorded),
        "no_shows": sum(f.no_shows for f in recorded),
        "core_rate": core_present / len(core) if core else None,
        "core_count": len({pk for _meeting, pk in core}),
        "organisations_present": len(present_ids),
        "never_present": sorted(
            (row.organisation for row in table if row.attended == 0),
            key=lambda o: o.sort_name,
        ),
        "table": sorted(table, key=lambda row: (-row.attended, row.organisation.sort_name)),
        "by_kind": by_kind([organisations[pk] for pk in present_ids]),
        "by_region": by_region([organisations[pk] for pk in present_ids]),
        "by_topic": by_topic([organisations[pk] for pk in present_ids]),
        "themes": themes(recorded),
        "answers": answer_table(answers),
    }


def by_kind(organisations) -> list[tuple[str, int]]:
    counts = Counter(o.get_kind_display() for o in organisations)
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))


def by_region(organisations) -> list[tuple[str, int]]:
    counts = Counter(region.name for o in organisations for region in o.regions.all())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def by_topic(organisations) -> list[tuple[str, int]]:
    counts = Counter(topic.name for o in organisations for topic in o.topics.all())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def themes(recorded: list[MeetingFigures]) -> list[tuple[str, int, int]]:
    """(theme, meetings, people present), the best attended first."""
    meetings, people = Counter(), Counter()
    for figures in recorded:
        meetings[figures.meeting.theme.name] += 1
        people[figures.meeting.theme.name] += figures.present
    return sorted(
        ((name, meetings[name], people[name]) for name in meetings),
        key=lambda item: (-item[2], item[0]),
    )


def answer_table(answers: Counter) -> list[tuple[str, int, int, int]]:
    """(answer, present, absent, not recorded) for each answer."""
    rows = []
    for value, label in Invitation.Answer.choices:
        rows.append(
            (label, answers[(value, True)], answers[(value, False)], answers[(value, None)])
        )
    return rows


def public_figures() -> dict:
    """From public data only: the organisations listed publicly by kind, region and topic, and
    the public meetings held each year with how many people from how many organisations came
    (a meeting with fewer than PUBLIC_MINIMUM people shows no figure). No person, ever."""
    listed = Organisation.objects.filter(listed_publicly=True)
    held = list(
        Meeting.objects.filter(is_public=True, status=Meeting.Status.HELD)
        .select_related("theme")
        .order_by("-starts_at")
    )
    years = defaultdict(list)
    for meeting in held:
        if meeting.starts_at is not None:
            years[timezone.localtime(meeting.starts_at).year].append(meeting)
    kinds = dict(Organisation.Kind.choices)
    return {
        "organisations": listed.count(),
        "by_kind": [
            (kinds[row["kind"]], row["count"])
            for row in listed.values("kind").annotate(count=Count("pk")).order_by("-count", "kind")
        ],
        "by_region": named_counts(Region, listed),
        "by_topic": named_counts(Topic, listed),
        "years": sorted(years.items(), reverse=True),
        "minimum": PUBLIC_MINIMUM,
    }


def named_counts(model, listed) -> list[tuple[str, int]]:
    rows = (
        model.objects.annotate(
            count=Count("organisations", filter=Q(organisations__in=listed), distinct=True)
        )
        .filter(count__gt=0)
        .order_by("-count", "sort_name")
        .values_list("name", "count")
    )
    return list(rows)
