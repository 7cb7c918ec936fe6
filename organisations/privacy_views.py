"""Pages for the DSGVO rights: access (Art. 15) for the person and for staff, erasure (Art. 17)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netzwerk.security import log_event
from organisations.access import staff_required
from organisations.models import ContactPerson, contact_of
from organisations.privacy import ERASED_NAME, erase, export, readable


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the request: erase this person's data everywhere. "
            "This cannot be undone."
        )
    )


def export_response(request, contact: ContactPerson, *, as_json: bool, template_context: dict):
    log_event("export", request, kind="person_data", contact=contact.pk)
    if as_json:
        response = JsonResponse(
            export(contact), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="daten-{contact.pk}.json"'
        return response
    context = {"contact": contact, "sections": readable(contact), **template_context}
    return render(request, "organisations/person_data.html", context)


@login_required
def own_data(request, as_json=False):
    """Everything held about the logged-in person."""
    contact = contact_of(request.user)
    if contact is None:
        raise Http404
    return export_response(request, contact, as_json=as_json, template_context={"own": True})


@staff_required
def person_data(request, pk, as_json=False):
    """Staff answer a request for access, or erase the person on request."""
    contact = get_object_or_404(ContactPerson.objects.select_related("organisation"), pk=pk)
    if contact.name == ERASED_NAME and not contact.user_id:
        messages.info(request, _("This person's data has been erased."))
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erase(contact)
        log_event("person_erased", request, contact=contact.pk)
        messages.success(
            request,
            _(
                "The data has been erased. Only a hash of the address stays, so that no "
                "invitation reaches the person again."
            ),
        )
        return redirect(contact.organisation)
    return export_response(
        request,
        contact,
        as_json=as_json and request.method == "GET",
        template_context={"own": False, "form": form},
    )
