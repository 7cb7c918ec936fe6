"""The performance benchmark (`make benchmark`): our pages against a bare Django view.

Nothing here is part of the application: `benchmark.settings` and `benchmark.urls` serve only
the bare reference view, in a second gunicorn started by `python -m benchmark`.
"""


def meeting_with_round(title: str, slug: str, contacts, days: int = 60):
    """A scheduled meeting `days` ahead with a round of `contacts`, noted and not sent yet
    (for the benchmark's sending, `benchmark.heal` and deploy/cluster.py)."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Invitation, Meeting
    from meetings.services import add_invitations
    from organisations.models import Topic

    meeting = Meeting.objects.create(
        title=title,
        slug=slug,
        theme=Topic.objects.first(),
        status=Meeting.Status.SCHEDULED,
        starts_at=timezone.now() + timedelta(days=days),
        ends_at=timezone.now() + timedelta(days=days, hours=3),
        venue_name="Bürgerhaus Stuttgart",
    )
    add_invitations(meeting=meeting, contacts=contacts, reason=Invitation.Reason.STAFF)
    return meeting
