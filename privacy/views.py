"""Pages for the DSGVO rights of the person: access to their data (Art. 15), and the privacy
notice. The office's page for a person (access on request, erasure) lives in office/."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import render

from common.security import log_event
from organisations.models import ContactPerson, contact_of
from privacy.services import export, readable


def export_response(request, contact: ContactPerson, *, as_json: bool, template_context: dict):
    """All data held about the person, as a page or a JSON download (logged)."""
    log_event("export", request, kind="person_data", contact=contact.pk)
    if as_json:
        response = JsonResponse(
            export(contact), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="daten-{contact.pk}.json"'
        return response
    context = {"contact": contact, "sections": readable(contact), **template_context}
    return render(request, "privacy/person_data.html", context)


@login_required
def own_data(request, as_json=False):
    """Everything held about the logged-in person."""
    contact = contact_of(request.user)
    if contact is None:
        raise Http404
    return export_response(request, contact, as_json=as_json, template_context={"own": True})


def privacy_notice(request):
    """The privacy notice: a template the coordinator completes through the settings."""
    context = {
        "retention_days": settings.RETENTION_DAYS,
        "poll_retention_days": settings.POLL_RETENTION_DAYS,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "hosting": settings.PRIVACY_HOSTING,
        "mail_provider": settings.PRIVACY_MAIL_PROVIDER,
    }
    return render(request, "privacy/notice.html", context)
