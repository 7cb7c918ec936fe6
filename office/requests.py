"""Requests to take part, on a meeting's round: accept (invited as a guest), decline (a polite
mail) or delete (nothing sent)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.staff import staff_required
from meetings.models import ParticipationRequest
from meetings.services import accept_request, decline_request, delete_request
from office.forms import AcceptRequestForm
from organisations.models import Organisation


def request_of(slug: str, pk: int) -> ParticipationRequest:
    return get_object_or_404(
        ParticipationRequest.objects.select_related("meeting"), meeting__slug=slug, pk=pk
    )


@staff_required
def request_accept(request, slug, pk):
    """For which organisation the person comes: the one of that name in the directory, if
    there is one, else a new one named as they wrote it; then noted for the round."""
    participation = request_of(slug, pk)
    known = Organisation.objects.filter(name__iexact=participation.organisation_name).first()
    initial = {"organisation": known, "new_organisation": ""}
    if known is None:
        initial["new_organisation"] = participation.organisation_name
    form = AcceptRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accept_request(
                participation=participation,
                organisation=form.cleaned_data["organisation"],
                accepted_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s has been added to the round. Send the invitations to invite them.")
                % {"name": participation.name},
            )
            return redirect("office:round", slug=slug)
    context = {"meeting": participation.meeting, "participation": participation, "form": form}
    return render(request, "office/request_accept.html", context)


@staff_required
@require_POST
def request_decline(request, slug, pk):
    participation = request_of(slug, pk)
    try:
        decline_request(participation=participation, declined_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The request of %(name)s has been declined; a polite reply is on its way.")
            % {"name": participation.name},
        )
    return redirect("office:round", slug=slug)


@staff_required
@require_POST
def request_delete(request, slug, pk):
    participation = request_of(slug, pk)
    delete_request(participation=participation, deleted_by=request.user)
    messages.success(
        request,
        _("The request of %(name)s has been deleted; nothing was sent.")
        % {"name": participation.name},
    )
    return redirect("office:round", slug=slug)
