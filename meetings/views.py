import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.caching import LIST_CACHE_SECONDS, data_version, list_cache_key
from common.security import over_limit, rate_limited
from common.staff import has_staff_rights
from meetings.calendar import calendar_response
from meetings.filters import MeetingFilter
from meetings.forms import (
    ColleagueForm,
    InviteeAnswerForm,
    ParticipationRequestForm,
    SubstituteProposalForm,
)
from meetings.models import Invitation, Meeting, SubstituteProposal
from meetings.services import (
    check_substitute_allowed,
    confirm_answer,
    lift_objection,
    name_substitute,
    object_to_invitations,
    propose_substitute,
    record_answer,
    request_participation,
    substitute_colleagues,
)
from organisations.models import (
    ContactPerson,
    Organisation,
    SuppressedAddress,
    Topic,
    audience,
    contact_of,
    is_member,
)


def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).upcoming().for_list()
    filterset = MeetingFilter(request.GET or None, queryset=meetings)
    context = {  # filter and meetings: evaluated only when the rendering is not cached yet
        "filter": filterset,
        "meetings": SimpleLazyObject(lambda: filterset.qs),
        "cache_key": list_cache_key(request, meetings, audience=audience(request.user)),
    }
    return render(request, "meetings/list.html", context)


def meeting_archive(request):
    meetings = Meeting.objects.visible_to(request.user).past().for_list().order_by("-sort_at")
    # Counted and fetched only when the rendering is not cached yet.
    page = SimpleLazyObject(lambda: Paginator(meetings, 20).get_page(request.GET.get("seite")))
    context = {
        "page": page,
        "cache_key": list_cache_key(request, meetings, audience=audience(request.user)),
    }
    return render(request, "meetings/archive.html", context)


def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).for_list().select_related("poll"), slug=slug
    )
    member = is_member(request.user)
    poll = getattr(meeting, "poll", None)
    context = {
        "meeting": meeting,
        "poll": poll if poll is not None and poll.is_open else None,
        "is_member": member,
        "coming": Organisation.objects.filter(
            contacts__invitations__meeting=meeting,
            contacts__invitations__answer=Invitation.Answer.YES,
        ).distinct()
        if member
        else [],
        "minutes_visible": meeting.minutes_visible_to(request.user),
        "office": has_staff_rights(request.user),
        # A member invited to it answers from here too (their personal link).
        "own_invitation": Invitation.objects.filter(
            meeting=meeting, contact__user=request.user, revoked_at__isnull=True
        ).first()
        if request.user.is_authenticated
        else None,
        "json_ld": meeting.json_ld(request.build_absolute_uri(meeting.get_absolute_url()))
        if meeting.has_date
        else None,
    }
    return render(request, "meetings/detail.html", context)


@never_cache
def meeting_request(request, slug):
    """Someone not invited asks to take part: the request waits for the office on the round.
    Every address gets the same answer, and nothing is sent before the office decides."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_list(), slug=slug)
    own = contact_of(request.user)
    initial = (
        {"name": own.name, "email": own.email, "organisation_name": own.organisation.name}
        if own
        else {}
    )
    form = ParticipationRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and meeting.open_for_requests:
        limited = over_limit(request, "participation_request")
        if limited:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                request_participation(
                    meeting=meeting,
                    name=data["name"],
                    organisation_name=data["organisation_name"],
                    email=data["email"],
                    message=data["message"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you, your request has reached the office. It answers you by e-mail."),
                )
                return redirect(meeting)
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/request.html", context)


def invitation_for(token: str) -> Invitation:
    return get_object_or_404(
        Invitation.objects.by_token(token).select_related(
            "meeting__theme", "contact__organisation", "substitute_for__contact"
        ),
    )


@never_cache
@rate_limited("invitation_page")
def invitation_answer(request, token):
    """The invitee's page, reached from the personal link; GET never changes anything."""
    invitation = invitation_for(token)
    form = InviteeAnswerForm(request.POST or None, instance=invitation)
    if request.method == "POST":
        if not invitation.answer_open:
            messages.error(request, _("The time for answering has passed. Nothing was changed."))
            return redirect(request.path)
        if form.is_valid():
            data = form.cleaned_data
            answered = record_answer(
                invitation=invitation,
                answer=data["answer"],
                persons=data["persons"],
                note=data["note"],
            )
            if data["send_confirmation"]:
                confirm_answer(invitation=answered)
                messages.success(
                    request,
                    _(
                        "Thank you, your answer has been saved. "
                        "A confirmation is on its way to %(email)s."
                    )
                    % {"email": invitation.contact.email},
                )
            else:
                messages.success(request, _("Thank you, your answer has been saved."))
            return redirect(request.path)
        invitation.refresh_from_db()
    return render(request, "meetings/answer.html", answer_context(invitation, form=form))


def answer_context(invitation: Invitation, **forms) -> dict:
    try:
        check_substitute_allowed(invitation)
    except ValidationError:
        colleagues = None  # a substitute is named already, or this invitation is one
    else:
        colleagues = substitute_colleagues(invitation)
    return {
        "invitation": invitation,
        "meeting": invitation.meeting,
        "form": InviteeAnswerForm(instance=invitation),
        "colleagues": colleagues,
        "colleague_form": ColleagueForm(colleagues=colleagues or ContactPerson.objects.none()),
        "proposal_form": SubstituteProposalForm(),
        "substitutes": invitation.substitutes.select_related("contact"),
        "proposal": SubstituteProposal.objects.filter(invitation=invitation).first(),
        "objected": SuppressedAddress.contains(invitation.contact.email),
        **forms,
    }


@never_cache
@require_POST
@rate_limited("invitation_page")
def invitation_substitute(request, token):
    """Someone else from the invitee's organisation comes instead: a colleague from the
    directory (invited at once), or a new person (proposed to the office)."""
    invitation = invitation_for(token)
    if not invitation.answer_open:
        messages.error(request, _("The time for answering has passed. Nothing was changed."))
        return redirect("invitation_answer", token=token)
    context = {}
    try:
        if "colleague" in request.POST:
            colleagues = substitute_colleagues(invitation)
            form = ColleagueForm(request.POST, colleagues=colleagues)
            context["colleague_form"] = form
            if form.is_valid():
                substitute = name_substitute(
                    invitation=invitation, colleague=form.cleaned_data["colleague"]
                )
                messages.success(
                    request,
                    _("Thank you. %(name)s receives their own invitation by e-mail.")
                    % {"name": substitute.contact.name},
                )
                return redirect("invitation_answer", token=token)
        else:
            form = SubstituteProposalForm(request.POST)
            context["proposal_form"] = form
            if form.is_valid():
                proposal = propose_substitute(invitation=invitation, **form.cleaned_data)
                messages.success(
                    request,
                    _(
                        "Thank you. The office checks your proposal and then invites "
                        "%(name)s; until then nothing is sent."
                    )
                    % {"name": proposal.name},
                )
                return redirect("invitation_answer", token=token)
    except ValidationError as error:
        form.add_error(None, error)
    return render(request, "meetings/answer.html", answer_context(invitation, **context))


@never_cache
@rate_limited("invitation_page")
def invitation_objection(request, token):
    """Asked once ("Wirklich?"), then no further invitations; GET only asks."""
    invitation = invitation_for(token)
    if request.method != "POST":
        context = {"invitation": invitation, "meeting": invitation.meeting}
        return render(request, "meetings/objection.html", context)
    object_to_invitations(invitation=invitation)
    messages.success(
        request,
        _("You will receive no further invitations. You can still answer this one."),
    )
    return redirect("invitation_answer", token=token)


@require_POST
@rate_limited("invitation_page")
def invitation_objection_lift(request, token):
    """The person lifts their own objection: this link was sent to their address."""
    invitation = get_object_or_404(Invitation.objects.by_token(token).select_related("contact"))
    if lift_objection(invitation=invitation):
        messages.success(request, _("You will receive invitations of the network again."))
    return redirect("invitation_answer", token=token)


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.filter(is_public=True).for_list(), slug=slug)
    if not meeting.has_date:
        raise Http404
    return calendar_response([meeting], request, filename=f"{meeting.slug}.ics")


def calendar_feed(request):
    """All public meetings with a date, for subscription; ?thema=<slug> narrows to one theme.

    Calendar programs fetch it again and again: the file is built once per state of the
    meetings (netzwerk/caching.py) and answered with 304 Not Modified when the program already
    has it.
    """
    meetings = Meeting.objects.filter(is_public=True).for_list()
    theme = request.GET.get("thema", "")
    if theme:
        get_object_or_404(Topic, slug=theme)
        meetings = meetings.filter(theme__slug=theme)
    etag = hashlib.sha256(
        f"{request.get_host()} {theme} {data_version(meetings)}".encode()
    ).hexdigest()[:32]
    not_modified = get_conditional_response(request, etag=f'"{etag}"')
    if not_modified is not None:
        return not_modified
    renderings = caches["template_fragments"]
    response = renderings.get(f"calendar-feed:{etag}")
    if response is None:
        response = calendar_response(meetings, request, filename="treffen.ics")
        renderings.set(f"calendar-feed:{etag}", response, LIST_CACHE_SECONDS)
    response["ETag"] = f'"{etag}"'
    return response


class UpcomingMeetingsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Upcoming meetings")
    subtitle = settings.NETWORK_NAME

    def link(self):
        return "/treffen/"

    def items(self):
        return Meeting.objects.filter(is_public=True).upcoming().for_list()[:50]

    def item_title(self, meeting):
        return f"{meeting.title} – {meeting.when_label}"

    def item_description(self, meeting):
        return meeting.description

    def item_updateddate(self, meeting):
        return meeting.updated_at

    def item_pubdate(self, meeting):
        return meeting.created_at
