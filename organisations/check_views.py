"""The yearly check ("Ist Ihr Eintrag noch aktuell?"), reached from the personal link in its
mail (no account): the entry with its contact persons, "Alles aktuell" with one click, the
same forms as the edit pages to correct it, and "nicht mehr bei uns" for a person."""

from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from common.security import log_event, over_limit
from organisations.forms import CheckedContactForm, CheckedOrganisationForm
from organisations.models import EntryCheck
from organisations.services import confirm_entry


def check_for(request, token: str) -> EntryCheck:
    """The check of a personal link. The rate limit counts links that open nothing and every
    change; an expired link says so (410) and how to get a new one."""
    try:
        check = EntryCheck.by_token(token)
    except signing.SignatureExpired:
        check = None
        expired = True
    else:
        expired = False
    if check is None or request.method == "POST":
        limited = over_limit(request, "entry_check")
        if limited:
            raise ImmediateHttpResponse(limited)
    if expired:
        context = {"days": settings.ENTRY_CHECK_LINK_DAYS}
        raise ImmediateHttpResponse(
            render(request, "organisations/check_expired.html", context, status=410)
        )
    if check is None:
        raise Http404
    return check


@never_cache
def entry_check(request, token):
    check = check_for(request, token)
    organisation = check.organisation
    if request.method == "POST":
        confirm_entry(check=check)
        log_event("entry_confirmed", request, organisation=organisation.pk)
        messages.success(request, _("Thank you: the entry is confirmed as current."))
        return redirect(request.path)
    context = {
        "check": check,
        "token": token,
        "organisation": organisation,
        "contacts": organisation.contacts.prefetch_related("topics"),
    }
    return render(request, "organisations/check.html", context)


@never_cache
def check_profile(request, token):
    """The organisation's profile, with the edit page's form and rules (except consent to
    public listing, which stays with the editors logged in)."""
    check = check_for(request, token)
    form = CheckedOrganisationForm(request.POST or None, instance=check.organisation, prefix="org")
    context = {"name": check.organisation.name, "pick": True}
    return check_form_page(request, token, check, form, context)


@never_cache
def check_contact(request, token, pk):
    """A contact person's entry, with the edit page's form and rules (editing rights and
    public display, which needs consent, stay with the pages behind a login)."""
    check = check_for(request, token)
    contact = get_object_or_404(check.organisation.contacts, pk=pk)
    form = CheckedContactForm(request.POST or None, instance=contact)
    context = {"name": contact.name, "contact": contact}
    return check_form_page(request, token, check, form, context)


def check_form_page(request, token, check, form, context):
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Jährliche Prüfung"
        form.save()
        messages.success(request, _("The changes have been saved."))
        return redirect("entry_check", token)
    context |= {"check": check, "token": token, "form": form}
    return render(request, "organisations/check_form.html", context)


@never_cache
def check_gone(request, token, pk):
    """ "Nicht mehr bei uns": the person is taken off the directory and gets no more
    invitations (asked once; GET asks). What is left of the entry follows the retention rules,
    like an entry an editor removes. Someone marking themself closes their own link."""
    check = check_for(request, token)
    contact = get_object_or_404(check.organisation.contacts, pk=pk)
    if request.method == "POST":
        contact._change_reason = "Nicht mehr bei uns (jährliche Prüfung)"
        contact.delete()
        log_event("contact_left", request, contact=pk)
        messages.success(
            request, _("%(name)s has been taken off the directory.") % {"name": contact.name}
        )
        if pk == check.contact_id:
            return render(request, "organisations/check_left.html", {"check": check})
        return redirect("entry_check", token)
    context = {"check": check, "token": token, "contact": contact}
    return render(request, "organisations/check_gone.html", context)
