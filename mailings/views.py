"""The person's page of a mailing's link (no account): "keine Rundmails mehr", with one click
from the mail program too (RFC 8058: a POST without a form, hence no CSRF token), and undoing
it, which only the person can (from this link, with the page's form)."""

from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.security import log_event, over_limit
from mailings.models import Recipient
from mailings.services import decline_mailings, resume_mailings
from meetings.models import token_hash


def recipient_for(request, token: str, *, counting_changes: bool = True) -> Recipient:
    """The rate limit counts links that open nothing and changes (but "keine Rundmails
    mehr": one-click requests come from the mail providers' servers, many people's from one
    address, and a refused one would be lost)."""
    recipient = (
        Recipient.objects.select_related("contact", "mailing")
        .defer("mailing__attachment")  # the page names the mailing; its file stays unread
        .filter(token_hash=token_hash(token), revoked_at=None)
        .first()
    )
    if recipient is None or (request.method == "POST" and counting_changes):
        limited = over_limit(request, "invitation_page")
        if limited:
            raise ImmediateHttpResponse(limited)
    if recipient is None:
        raise Http404
    return recipient


@never_cache
@csrf_exempt  # the mail program's one-click POST carries no token; the link is the secret
def unsubscribe(request, token):
    recipient = recipient_for(request, token, counting_changes=False)
    if request.method == "POST":
        decline_mailings(recipient=recipient)
        log_event("mailings_declined", request, contact=recipient.contact_id)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)  # the mail program shows its own confirmation
        messages.success(request, _("You receive no more mailings from the network."))
        return redirect(request.path)
    return render(request, "mailings/unsubscribe.html", {"recipient": recipient})


@never_cache
@require_POST
def resubscribe(request, token):
    recipient = recipient_for(request, token)
    resume_mailings(recipient=recipient)
    log_event("mailings_resumed", request, contact=recipient.contact_id)
    messages.success(request, _("You receive the network's mailings again."))
    return redirect("mailing_unsubscribe", token)
