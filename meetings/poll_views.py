"""The participant's page of a date poll, reached from the personal link (no account)."""

from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from common.security import over_limit
from meetings.forms import PollAnswerForm
from meetings.models import PollAnswer, PollParticipant
from meetings.polls import organisation_counts, record_poll_answer
from meetings.services import object_to_invitations


def participant_for(request, token: str) -> PollParticipant:
    """The participant of a personal link. The rate limit counts what could serve guessing —
    a link that opens nothing — and every change; a working link reads without that cost
    (its token is 256 bits from a keyed hash: it cannot be guessed)."""
    participant = PollParticipant.objects.by_token(token)
    if participant is None or request.method == "POST":
        limited = over_limit(request, "invitation_page")
        if limited:
            raise ImmediateHttpResponse(limited)
    if participant is None:
        raise Http404
    return participant


@never_cache
def poll_answer(request, token):
    """Each date: "passt", "notfalls", "passt nicht"; how many organisations can come per
    date, never who. GET changes nothing.

    The cards and the comment are rendered once and kept in the cache, keyed by the
    participant's own state and the poll's (which every answer touches) and whether it is
    open: a page read again costs one query (and the cache's)."""
    participant = participant_for(request, token)
    poll = participant.poll
    if request.method == "POST":
        form = answer_form(participant, request.POST)
        if not poll.is_open:
            messages.error(request, _("The poll is closed. Nothing was changed."))
            return redirect(request.path)
        if form.is_valid():
            try:
                record_poll_answer(
                    participant=participant,
                    choices=form.choices(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you, your answer has been saved."))
                return redirect(request.path)
    else:
        form = SimpleLazyObject(lambda: answer_form(participant))
    changed = participant.updated_at.timestamp()
    context = {
        "participant": participant,
        "poll": poll,
        "meeting": poll.meeting,
        "form": form,
        "bound": request.method == "POST",
        "choices": PollAnswer.Choice.choices,
        "rows": SimpleLazyObject(lambda: slot_rows(poll, form)),
        "answered": participant.answered_at is not None,
        # Whoever receives no invitations (an objection turns them off) is not offered to
        # object; a second objection would change nothing.
        "objected": not participant.contact.receives_invitations,
        "cards_key": f"{participant.pk}:{changed}:{poll.updated_at.timestamp()}:"
        f"{poll.is_open}:{request.LANGUAGE_CODE}",
    }
    return render(request, "meetings/poll_answer.html", context)


def answer_form(participant: PollParticipant, data=None) -> PollAnswerForm:
    answers = dict(participant.answers.values_list("slot_id", "choice"))
    form = PollAnswerForm(data, slots=participant.poll.slots.all(), answers=answers)
    if data is None:
        form.initial["comment"] = participant.comment
    return form


def slot_rows(poll, form) -> list:
    """(slot, its field, how many organisations can come) per slot."""
    counts = organisation_counts(poll)
    return [(slot, field, counts.get(slot.pk, 0)) for slot, field in form.slot_fields()]


@never_cache
def poll_objection(request, token):
    """Asked once, then no further invitations (nor polls); GET only asks."""
    participant = participant_for(request, token)
    if request.method != "POST":
        return render(request, "meetings/poll_objection.html", {"participant": participant})
    object_to_invitations(contact=participant.contact)
    messages.success(request, _("You will receive no further invitations."))
    return redirect("poll_answer", token=token)
