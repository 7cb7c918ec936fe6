"""The site's own pages, which draw on the directory and the calendar: the home page, the
member's account overview and the network in figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from common.caching import list_cache_key
from mailings.models import Recipient
from meetings.figures import public_figures
from meetings.models import Invitation, Meeting
from organisations.models import Organisation, contact_of


def home(request):
    organisations = Organisation.objects.visible_to(request.user)
    context = {
        "meetings": Meeting.objects.visible_to(request.user).upcoming().for_list()[:3],
        "organisation_count": organisations.count(),
        "core_circle_count": organisations.filter(in_core_circle=True).count(),
        "own_contact": contact_of(request.user),
        "own_invitations": Invitation.objects.filter(
            contact__user=request.user, meeting__in=Meeting.objects.upcoming()
        ).select_related("meeting")
        if request.user.is_authenticated
        else [],
    }
    return render(request, "pages/home.html", context)


@login_required
def account(request):
    """The member's own page: their entry, their invitations and answers, account settings."""
    invitations = (
        Invitation.objects.filter(contact__user=request.user)
        .select_related("meeting")
        .order_by("-meeting__sort_at")
    )
    upcoming = set(Meeting.objects.upcoming().values_list("pk", flat=True))
    context = {
        "own_contact": contact_of(request.user),
        "mailings": Recipient.objects.filter(
            contact__user=request.user, delivery=Recipient.Delivery.SENT
        )
        .select_related("mailing")
        .defer("mailing__attachment")
        .order_by("-sent_at"),
        "upcoming_invitations": [i for i in invitations if i.meeting_id in upcoming],
        "past_invitations": [i for i in invitations if i.meeting_id not in upcoming],
    }
    return render(request, "pages/account.html", context)


def figures(request):
    """ "Das Netzwerk in Zahlen", from public data only, the same for everyone: its rendering is
    kept in the cache, keyed by the state of the organisations and the meetings."""
    context = {
        "figures": SimpleLazyObject(public_figures),
        "cache_key": list_cache_key(
            request, Organisation, Meeting, audience="everyone", filters=False
        ),
    }
    return render(request, "pages/figures.html", context)
