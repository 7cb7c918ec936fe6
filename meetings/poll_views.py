"""The participant's page of a date poll, reached from the personal link (no account)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from common.security import rate_limited
from meetings.forms import PollAnswerForm
from meetings.models import PollParticipant
from meetings.polls import poll_results, record_poll_answer
from meetings.services import object_to_invitations
from organisations.models import SuppressedAddress


def participant_for(token: str) -> PollParticipant:
    return get_object_or_404(
        PollParticipant.objects.by_token(token).select_related(
            "poll__meeting__theme", "poll__chosen_slot", "contact__organisation"
        )
    )


@never_cache
@rate_limited("invitation_page")
def poll_answer(request, token):
    """Each date: "passt", "notfalls", "passt nicht"; how many organisations can come per
    date, never who. GET changes nothing."""
    participant = participant_for(token)
    poll = participant.poll
    slots = list(poll.slots.all())
    answers = dict(participant.answers.values_list("slot_id", "choice"))
    form = PollAnswerForm(request.POST or None, slots=slots, answers=answers)
    if not request.POST:
        form.initial["comment"] = participant.comment
    if request.method == "POST":
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
    results = {result.slot.pk: result for result in poll_results(poll, slots)["slots"]}
    context = {
        "participant": participant,
        "poll": poll,
        "meeting": poll.meeting,
        "form": form,
        "rows": [(slot, field, results[slot.pk]) for slot, field in form.slot_fields()],
        "objected": SuppressedAddress.contains(participant.contact.email),
    }
    return render(request, "meetings/poll_answer.html", context)


@never_cache
@rate_limited("invitation_page")
def poll_objection(request, token):
    """Asked once, then no further invitations (nor polls); GET only asks."""
    participant = participant_for(token)
    if request.method != "POST":
        return render(request, "meetings/poll_objection.html", {"participant": participant})
    object_to_invitations(contact=participant.contact)
    messages.success(request, _("You will receive no further invitations."))
    return redirect("poll_answer", token=token)
