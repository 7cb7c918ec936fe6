"""The office's date poll for an announced meeting: open it, choose who is asked, send,
remind, follow the results live, fix the date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.caching import change_versions
from common.staff import staff_required
from meetings.emails import poll_mail
from meetings.models import DatePoll, Meeting, PollParticipant, PollSlot
from meetings.polls import (
    add_participants,
    ask_guest,
    choose_slot,
    open_poll,
    outside_period,
    poll_results,
    reminder_recipients,
    send_poll,
    send_poll_reminders,
)
from meetings.services import STUCK_AFTER, objectors, propose_invitees, stuck
from office.forms import GuestForm, PollForm, SlotFormSet
from office.rounds import directory_search, proposal_groups, ticked
from organisations.models import ContactPerson, Organisation


def meeting_of(slug: str) -> Meeting:
    return get_object_or_404(Meeting.objects.for_list(), slug=slug)


def poll_of(slug: str) -> DatePoll:
    return get_object_or_404(DatePoll.objects.select_related("meeting__theme"), meeting__slug=slug)


@staff_required
def poll_page(request, slug):
    """Without a poll: the form that opens one. With one: the results, live; who is asked is
    chosen on a page of its own (poll_add).

    The results are rendered once and kept in the cache, keyed by the participants' figures,
    the poll's state (which every answer touches), the meeting's, and the latest change to any
    organisation or contact person (names, the core circle)."""
    poll = DatePoll.objects.filter(meeting__slug=slug).select_related("meeting").order_by().first()
    if poll is None:
        return open_page(request, meeting_of(slug))
    meeting = poll.meeting
    slots = SimpleLazyObject(lambda: list(poll.slots.all()))
    counts = participant_counts(poll)
    changed = ":".join(change_versions([Organisation, ContactPerson]))
    context = {
        "meeting": meeting,
        "poll": poll,
        "results": SimpleLazyObject(lambda: poll_results(poll, slots)),
        "outside": SimpleLazyObject(lambda: outside_period(poll, slots)),
        "counts": counts,
        "unanswered": SimpleLazyObject(
            lambda: list(reminder_recipients(poll).select_related("contact__organisation"))
        ),
        "comments": SimpleLazyObject(
            lambda: list(
                poll.participants.exclude(comment="").select_related("contact__organisation")
            )
        ),
        "results_key": f"{sorted(counts.items())}:{poll.updated_at.timestamp()}:{poll.is_open}:"
        f"{meeting.updated_at.timestamp()}:{changed}:{request.LANGUAGE_CODE}",
    }
    template = "office/poll.html"
    if request.htmx and request.htmx.target == "poll-results":
        template += "#results"
    return render(request, template, context)


def participant_counts(poll: DatePoll) -> dict:
    """Who is asked, by the state of their mail and answer; "draft" is what "send" would
    queue (noted, failed or stuck, as `stuck()` says). One plain statement: the ORM took
    three times longer to build it than the database to run it."""
    table = connection.ops.quote_name(PollParticipant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*),"  # noqa: S608 (our own table's name)
            " COUNT(*) FILTER (WHERE delivery IN ('draft', 'failed')"
            "   OR (delivery = 'queued' AND queued_at < %s)),"
            " COUNT(*) FILTER (WHERE delivery = 'sent'),"
            " COUNT(answered_at),"
            " COUNT(*) FILTER (WHERE delivery = 'sent' AND answered_at IS NULL)"
            f" FROM {table} WHERE poll_id = %s",
            [timezone.now() - STUCK_AFTER, poll.pk],
        )
        figures = cursor.fetchone()
    return dict(zip(("total", "draft", "sent", "answered", "unanswered"), figures, strict=True))


def open_page(request, meeting: Meeting):
    form = PollForm(request.POST or None)
    slots = SlotFormSet(request.POST or None, prefix="slots")
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        spans = [slot.span() for slot in slots if slot.span() is not None]
        try:
            poll = open_poll(
                meeting=meeting,
                deadline=form.deadline_at(),
                note=form.cleaned_data["note"],
                slots=spans,
                opened_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The date poll is open. Now choose who is asked, then send it.")
            )
            return redirect("office:poll", slug=poll.meeting.slug)
    if not meeting.has_date and meeting.status == Meeting.Status.ANNOUNCED:
        context = {"meeting": meeting, "form": form, "slots": slots}
        return render(request, "office/poll_open.html", context)
    messages.info(request, _("This meeting has a date already: it needs no date poll."))
    return redirect("office:round", slug=meeting.slug)


@staff_required
def poll_add(request, slug):
    """Who is asked: everyone so far with their mail's state; the core circle and those working
    on the theme proposed with their reason (as for a round), anyone from the directory."""
    poll = poll_of(slug)
    if request.method == "POST":
        return add_ticked(request, poll)
    meeting = poll.meeting
    asked = poll.participants.values("contact_id")
    query = request.GET.get("suche", "").strip()[:200]
    found = directory_search(query, exclude=asked) if query and poll.is_open else []
    context = {
        "meeting": meeting,
        "poll": poll,
        "counts": participant_counts(poll),
        "participants": poll.participants.select_related("contact__organisation"),
        "proposals": proposal_groups(request, propose_invitees(meeting=meeting, already=asked))
        if poll.is_open
        else [],
        "objectors": objectors(meeting=meeting) if poll.is_open else [],
        "query": query,
        "found": found,
    }
    return render(request, "office/poll_people.html", context)


def add_ticked(request, poll: DatePoll):
    if not poll.is_open:
        messages.error(request, _("The poll is closed."))
        return redirect("office:poll", slug=poll.meeting.slug)
    added = sum(
        add_participants(poll=poll, contacts=contacts, reason=reason)
        for reason, contacts in ticked(request)
    )
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d person added to the poll; nothing has been sent yet.",
                "%(count)d people added to the poll; nothing has been sent yet.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.error(request, _("Please tick at least one person who is not asked yet."))
    return redirect("office:poll_add", slug=poll.meeting.slug)


@staff_required
def poll_guest(request, slug):
    """A guest asked on the spot (typically someone at a state agency), as for a round."""
    poll = poll_of(slug)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and poll.is_open and form.is_valid():
        data = form.cleaned_data
        added = ask_guest(
            poll=poll,
            name=data["name"],
            email=data["email"],
            role=data["role"],
            organisation=data["organisation"],
        )
        if added:
            messages.success(
                request,
                _("%(name)s has been added to the poll. Send the poll to ask them.")
                % {"name": data["name"]},
            )
        else:
            messages.info(
                request, _("This person is already asked or does not receive invitations.")
            )
        return redirect("office:poll", slug=slug)
    context = {"meeting": poll.meeting, "form": form, "poll": poll}
    return render(request, "office/guest.html", context)


@staff_required
def poll_send(request, slug):
    """GET asks ("Sie senden jetzt …"), POST queues the mails."""
    poll = poll_of(slug)
    waiting = poll.participants.filter(Q(delivery__in=["draft", "failed"]) | stuck())
    if request.method == "POST":
        try:
            count = send_poll(poll=poll, sent_by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext("%(count)d mail is being sent.", "%(count)d mails are being sent.", count)
                % {"count": count},
            )
        return redirect("office:poll", slug=slug)
    context = {"meeting": poll.meeting, "poll": poll, "count": waiting.count(), "kind": "send"}
    return render(request, "office/poll_confirm.html", context)


@staff_required
def poll_remind(request, slug):
    """GET shows who is reminded and the mail; POST sends (never twice a day to a person)."""
    poll = poll_of(slug)
    if request.method == "POST":
        try:
            count = send_poll_reminders(poll=poll, sent_by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder is being sent.",
                    "%(count)d reminders are being sent.",
                    count,
                )
                % {"count": count},
            )
        return redirect("office:poll", slug=slug)
    recipients = list(reminder_recipients(poll).select_related("contact__organisation"))
    preview = None
    if recipients:
        preview = poll_mail(recipients[0], "poll_reminder", "<preview@netzwerk>")
    context = {
        "meeting": poll.meeting,
        "poll": poll,
        "count": len(recipients),
        "recipients": recipients,
        "preview": preview,
        "kind": "remind",
        "today": timezone.localdate(),
    }
    return render(request, "office/poll_confirm.html", context)


@staff_required
def poll_choose(request, slug, pk):
    """GET asks once; POST fixes the date and leads to the pre-filled invitation round."""
    poll = poll_of(slug)
    slot = get_object_or_404(PollSlot, poll=poll, pk=pk)
    if request.method == "POST":
        try:
            added = choose_slot(poll=poll, slot=slot, chosen_by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("office:poll", slug=slug)
        messages.success(
            request,
            ngettext(
                "The date is fixed: %(slot)s. Everyone asked is being told; %(count)d person "
                "is noted for the invitation round.",
                "The date is fixed: %(slot)s. Everyone asked is being told; %(count)d people "
                "are noted for the invitation round.",
                added,
            )
            % {"slot": slot.label, "count": added},
        )
        return redirect("office:round", slug=slug)
    result = next(r for r in poll_results(poll)["slots"] if r.slot.pk == slot.pk)
    context = {
        "meeting": poll.meeting,
        "poll": poll,
        "slot": slot,
        "result": result,
        "told": poll.participants.filter(delivery="sent").count(),
        "kind": "choose",
    }
    return render(request, "office/poll_confirm.html", context)
