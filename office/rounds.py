"""The office's pages for an invitation round: who is invited, sending, the invitation text,
reminders and change notices, a guest on the spot."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from common.staff import staff_required
from meetings.emails import default_invitation_text, invitation_message, preview_notice
from meetings.models import (
    DatePoll,
    Invitation,
    Meeting,
    Notice,
    PollAnswer,
    SubstituteProposal,
)
from meetings.services import (
    add_invitations,
    change_notice_kind,
    change_notice_recipients,
    confirm_substitute,
    invite_guest,
    objectors,
    propose_invitees,
    reject_substitute,
    reminder_recipients,
    remove_from_round,
    send_change_notices,
    send_invitations,
    send_reminders,
    stuck,
    to_send,
)
from office.forms import GuestForm, InvitationTextForm
from organisations.models import ContactPerson

Answer = Invitation.Answer
Delivery = Invitation.Delivery


def round_counts(meeting: Meeting) -> dict:
    """Delivery and answer figures of a round, and of the notices after it, in two queries."""
    notices = Notice.objects.filter(invitation__meeting=meeting).aggregate(
        notices_queued=Count("pk", filter=Q(delivery=Delivery.QUEUED)),
        notices_sent=Count("pk", filter=Q(delivery=Delivery.SENT)),
        notices_failed=Count("pk", filter=Q(delivery=Delivery.FAILED)),
    )
    return notices | Invitation.objects.filter(meeting=meeting).aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(delivery=Delivery.DRAFT)),
        queued=Count("pk", filter=Q(delivery=Delivery.QUEUED)),
        sent=Count("pk", filter=Q(delivery=Delivery.SENT)),
        failed=Count("pk", filter=Q(delivery=Delivery.FAILED)),
        stuck=Count("pk", filter=stuck()),
        yes=Count("pk", filter=Q(answer=Answer.YES)),
        maybe=Count("pk", filter=Q(answer=Answer.MAYBE)),
        no=Count("pk", filter=Q(answer=Answer.NO)),
        open=Count("pk", filter=Q(answer=Answer.OPEN)),
        expected=Sum("persons", filter=Q(answer=Answer.YES), default=0),
    )


# The invitation table shows one answer (or the failed deliveries) at a time if staff choose
# so: ?zeigen=<key>, the key also naming its figure in round_counts.
SHOWN = {
    "yes": (Q(answer=Answer.YES), pgettext_lazy("invitations", "Yes")),
    "maybe": (Q(answer=Answer.MAYBE), pgettext_lazy("invitations", "Maybe")),
    "no": (Q(answer=Answer.NO), pgettext_lazy("invitations", "No")),
    "open": (Q(answer=Answer.OPEN), pgettext_lazy("invitations", "Open")),
    "failed": (Q(delivery=Delivery.FAILED), pgettext_lazy("invitations", "Not delivered")),
}
ROUND_PAGE_SIZE = 50


def proposal_groups(request, proposals) -> list[dict]:
    """The proposals by organisation. The core circle can bring many people of one
    organisation: for those in ?eine=<pk>, only one stays ticked (its editor, else the first)."""
    keep_one = {int(pk) for pk in request.GET.getlist("eine") if pk.isdecimal()}
    groups = {}
    for contact, reason in proposals:
        group = groups.setdefault(
            contact.organisation_id, {"organisation": contact.organisation, "people": []}
        )
        group["people"].append((contact, reason))
    for pk, group in groups.items():
        people = group["people"]
        kept = next((contact for contact, _reason in people if contact.is_editor), people[0][0])
        group["people"] = [
            (contact, reason, pk not in keep_one or contact == kept) for contact, reason in people
        ]
        query = request.GET.copy()
        query.setlist("eine", [*request.GET.getlist("eine"), str(pk)])
        group["keep_one_url"] = f"?{query.urlencode()}#proposals-heading"
        group["keeps_one"] = pk in keep_one
    return list(groups.values())


def directory_search(query: str, *, exclude):
    """Up to 20 contact persons by name, address or organisation, leaving out `exclude` (the
    contact ids already in the round or the poll)."""
    return (
        ContactPerson.objects.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
        .exclude(pk__in=exclude)
        .select_related("organisation")[:20]
    )


def ticked(request):
    """The contact persons ticked on a proposals or search form, by reason: (reason, contacts)."""
    for reason in Invitation.Reason.values:
        ids = [value for value in request.POST.getlist(reason) if value.isdecimal()]
        yield reason, ContactPerson.objects.filter(pk__in=ids)


@staff_required
def invitation_round(request, slug):
    meeting = get_object_or_404(Meeting.objects.for_list().select_related("poll"), slug=slug)
    query = request.GET.get("suche", "").strip()
    invited = Invitation.objects.filter(meeting=meeting).values("contact_id")
    found = directory_search(query, exclude=invited) if query else []
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("contact__organisation")
        # A subquery, not a join: PostgreSQL hashed all invitations of all meetings for the join.
        .annotate(
            stands_in_for=Subquery(
                Invitation.objects.filter(pk=OuterRef("substitute_for_id")).values("contact__name")
            )
        )
        .prefetch_related("notices")
        .order_by("contact__sort_name", "pk")
    )
    chosen = DatePoll.objects.filter(meeting=meeting).values("chosen_slot")
    # Pre-filled from a date poll: those for whom the chosen date does not suit are marked.
    invitations = invitations.annotate(
        date_unsuited=Exists(
            PollAnswer.objects.filter(
                slot__in=chosen,
                choice=PollAnswer.Choice.NO,
                participant__contact=OuterRef("contact"),
            )
        )
    )
    shown = request.GET.get("zeigen")
    if shown in SHOWN:
        invitations = invitations.filter(SHOWN[shown][0])
    else:
        shown = None
    counts = round_counts(meeting)
    context = {
        "meeting": meeting,
        "counts": counts,
        "proposals": proposal_groups(request, propose_invitees(meeting=meeting))
        if meeting.open_for_invitations
        else [],
        "objectors": objectors(meeting=meeting) if meeting.open_for_invitations else [],
        "shown": shown,
        "choices": [(None, pgettext("invitations", "All"), counts["total"])]
        + [(key, label, counts[key]) for key, (_condition, label) in SHOWN.items()],
        "page": Paginator(invitations, ROUND_PAGE_SIZE).get_page(request.GET.get("seite")),
        "reminders": reminder_recipients(meeting).count(),
        "change_notices": change_notice_recipients(meeting).count(),
        "change_kind": change_notice_kind(meeting),
        "query": query,
        "found": found,
        "participation_requests": meeting.participation_requests.all(),
        "substitute_proposals": SubstituteProposal.objects.filter(
            invitation__meeting=meeting
        ).select_related("invitation__contact__organisation"),
    }
    template = "office/round.html"
    if request.htmx and request.htmx.target == "progress":
        template += "#progress"
    return render(request, template, context)


@staff_required
@require_POST
def invitation_add(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    added = sum(
        add_invitations(meeting=meeting, contacts=contacts, reason=reason)
        for reason, contacts in ticked(request)
    )
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d person noted for the round; nothing has been sent yet.",
                "%(count)d people noted for the round; nothing has been sent yet.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.error(request, _("Please tick at least one person who is not invited yet."))
    return redirect("office:round", slug=meeting.slug)


@staff_required
def invitation_send(request, slug):
    """A confirmation that says how many mails go to whom, then one click sends them."""
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    if request.method == "POST":
        queued = send_invitations(meeting=meeting, sent_by=request.user)
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation is being sent.",
                    "%(count)d invitations are being sent.",
                    queued,
                )
                % {"count": queued},
            )
        else:
            messages.info(request, _("There is nothing to send: every invitation has gone out."))
        return redirect("office:round", slug=meeting.slug)
    figures = to_send(meeting).aggregate(
        mails=Count("pk"), organisations=Count("contact__organisation", distinct=True)
    )
    organisations_text = ngettext(
        "%(count)d organisation", "%(count)d organisations", figures["organisations"]
    ) % {"count": figures["organisations"]}
    context = {"meeting": meeting, "organisations_text": organisations_text, **figures}
    return render(request, "office/send.html", context)


@staff_required
@require_POST
def invitation_remove(request, slug, pk):
    """Someone noted for the round is taken out again before anything was sent."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("contact"), meeting__slug=slug, pk=pk
    )
    try:
        remove_from_round(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s has been taken out of the round.") % {"name": invitation.contact.name},
        )
    return redirect("office:round", slug=slug)


def preview_recipient(request, invitations):
    """The invitation a preview is rendered for: the one chosen, else the first."""
    chosen = request.POST.get("empfaenger") or request.GET.get("empfaenger")
    if chosen and chosen.isdecimal():
        found = next((i for i in invitations if i.pk == int(chosen)), None)
        if found:
            return found
    return invitations[0] if invitations else None


@staff_required
def invitation_text(request, slug):
    """The invitation's words for this meeting, with a preview for any one recipient."""
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    default = default_invitation_text(meeting)
    initial = {"invitation_text": meeting.invitation_text or default}
    form = InvitationTextForm(request.POST or None, instance=meeting, initial=initial)
    invitations = list(
        Invitation.objects.filter(meeting=meeting).select_related("contact__organisation")
    )
    recipient = preview_recipient(request, invitations)
    text = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["invitation_text"].strip()
        if "save" in request.POST:
            # The standard text follows the meeting's details; store only a real change.
            meeting.invitation_text = "" if text == default else text
            meeting.save(update_fields=["invitation_text", "updated_at"])
            messages.success(request, _("The invitation text has been saved."))
            return redirect("office:round", slug=meeting.slug)
    context = {
        "meeting": meeting,
        "form": form,
        "invitations": invitations,
        "recipient": recipient,
        "preview": invitation_message(recipient, text=text) if recipient else None,
    }
    return render(request, "office/invitation_text.html", context)


# kind in the URL → (who receives it, how it is sent, which mail it is)
NOTICE_PAGES = {
    "reminder": (reminder_recipients, send_reminders, lambda meeting: Notice.Kind.REMINDER),
    "change": (change_notice_recipients, send_change_notices, change_notice_kind),
}


@staff_required
def notice_round(request, slug, kind):
    """Reminders to those without an answer, or change notices: a preview, then one click."""
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    recipients, send, mail_kind_of = NOTICE_PAGES[kind]
    if request.method == "POST":
        queued = send(meeting=meeting, sent_by=request.user)
        if queued:
            messages.success(
                request,
                ngettext("%(count)d mail is being sent.", "%(count)d mails are being sent.", queued)
                % {"count": queued},
            )
        else:
            messages.info(request, _("There is nobody to send this to (any more)."))
        return redirect("office:round", slug=meeting.slug)
    invitations = list(recipients(meeting))
    mail_kind = mail_kind_of(meeting)
    recipient = preview_recipient(request, invitations)
    context = {
        "meeting": meeting,
        "kind": kind,
        "mail_kind": mail_kind,
        "invitations": invitations,
        "recipient": recipient,
        "preview": preview_notice(recipient, mail_kind) if recipient else None,
    }
    return render(request, "office/notice_round.html", context)


@staff_required
def guest_add(request, slug):
    """Invite a guest on the spot; their state agency is chosen or entered."""
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = invite_guest(
            meeting=meeting,
            name=data["name"],
            email=data["email"],
            role=data["role"],
            organisation=data["organisation"],
        )
        if added:
            messages.success(
                request,
                _("%(name)s has been added to the round. Send the invitations to invite them.")
                % {"name": form.cleaned_data["name"]},
            )
        else:
            messages.info(
                request, _("This person is already invited or does not receive invitations.")
            )
        return redirect("office:round", slug=meeting.slug)
    return render(request, "office/guest.html", {"meeting": meeting, "form": form})


def proposal_of(slug: str, pk: int) -> SubstituteProposal:
    return get_object_or_404(
        SubstituteProposal.objects.select_related("invitation__meeting"),
        invitation__meeting__slug=slug,
        pk=pk,
    )


@staff_required
@require_POST
def substitute_confirm(request, slug, pk):
    """A proposed substitute is entered in the directory (if new) and invited."""
    proposal = proposal_of(slug, pk)
    try:
        confirm_substitute(proposal=proposal, confirmed_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s is invited; the invitation is being sent.") % {"name": proposal.name},
        )
    return redirect("office:round", slug=slug)


@staff_required
@require_POST
def substitute_reject(request, slug, pk):
    proposal = proposal_of(slug, pk)
    reject_substitute(proposal=proposal, rejected_by=request.user)
    messages.success(
        request,
        _("The proposal of %(name)s has been rejected; nothing was sent.")
        % {"name": proposal.name},
    )
    return redirect("office:round", slug=slug)
