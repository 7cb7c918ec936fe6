from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.caching import list_cache_key
from common.security import log_event, over_limit
from common.staff import has_staff_rights, require_second_factor, staff_required
from organisations.access import (
    can_edit_organisation,
    get_contact_for_edit,
    get_organisation,
    get_organisation_for_edit,
)
from organisations.filters import OrganisationFilter, PersonFilter
from organisations.forms import ContactPersonForm, OrganisationForm
from organisations.models import ContactPerson, Organisation, audience, contact_of, is_member
from organisations.services import invite_contact_to_account

PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 50


def lazy_search(request, filter_class, queryset, page_size: int):
    """The filter and its page of results, both built only when the rendering is not in the
    cache yet. The search limit counts the searches the server runs: one answered from the
    cached rendering (the same words again) shows nothing new and costs nothing. A search out
    of bounds finds nothing; the form says why."""

    def search():
        if request.GET.get("q", "").strip():
            limited = over_limit(request, "directory_search")
            if limited:
                raise ImmediateHttpResponse(limited)
        return filter_class(request.GET or None, queryset=queryset, request=request)

    def results():
        valid = not filterset.is_bound or filterset.is_valid()
        found = filterset.qs if valid else queryset.none()
        return Paginator(found, page_size).get_page(request.GET.get("seite"))

    filterset = SimpleLazyObject(search)
    return filterset, SimpleLazyObject(results)


def organisation_list(request):
    organisations = Organisation.objects.visible_to(request.user).for_list()
    filterset, page = lazy_search(request, OrganisationFilter, organisations, PAGE_SIZE)
    member = is_member(request.user)
    # A member's search also matches the names of the contact persons they may see, which
    # differ by organisation: the rendering is kept per organisation (and for staff).
    searched = member and "q" in request.GET
    context = {
        "filter": filterset,
        "page": page,
        "is_member": member,
        "cache_key": list_cache_key(
            request,
            Organisation,
            *([ContactPerson] if searched else []),
            audience=audience(request.user, contacts=searched),
        ),
    }
    template = "organisations/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def people_list(request):
    """Members look for people: name, role, organisation, topics — only the persons they may
    see (never those kept for the office and another organisation). Cached like the
    directory, per organisation (and for staff)."""
    if request.user.is_staff:
        require_second_factor(request)  # staff see everyone: with their second factor only
    if not is_member(request.user):
        raise PermissionDenied
    people = ContactPerson.objects.visible_to(request.user).for_list()
    filterset, page = lazy_search(request, PersonFilter, people, PEOPLE_PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "cache_key": list_cache_key(
            request, ContactPerson, Organisation, audience=audience(request.user, contacts=True)
        ),
    }
    return render(request, "organisations/people.html", context)


def organisation_detail(request, slug):
    organisation = get_organisation(request, slug)
    contacts = (
        ContactPerson.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .prefetch_related("topics")
        .select_related("organisation", "user")
    )
    own = contact_of(request.user)
    personal = has_staff_rights(request.user) or (
        own is not None and own.organisation_id == organisation.pk
    )
    context = {
        "organisation": organisation,
        "contacts": contacts,
        "is_member": is_member(request.user),
        "can_edit": can_edit_organisation(request.user, organisation),
        # Visitors and members of other organisations see the same page: cached, keyed by the
        # organisation's and its contact persons' state.
        "cache_key": None
        if personal
        else f"{organisation.pk}.{organisation.updated_at.timestamp()}:"
        + list_cache_key(
            request, organisation.contacts.all(), audience=audience(request.user), filters=False
        ),
    }
    return render(request, "organisations/detail.html", context)


@login_required
def organisation_edit(request, slug):
    """The organisation's profile on a page of its own; each contact person has theirs."""
    organisation = get_organisation_for_edit(request, slug)
    form = OrganisationForm(request.POST or None, instance=organisation, prefix="org")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile has been saved."))
        return redirect(organisation)
    context = {
        "organisation": organisation,
        "form": form,
        "contacts": organisation.contacts.select_related("user"),
    }
    return render(request, "organisations/edit.html", context)


@login_required
def contact_edit(request, slug, pk):
    contact = get_contact_for_edit(request, slug, pk)
    return contact_form_page(request, contact, adding=False)


@login_required
def contact_add(request, slug):
    """An editor (or the office) adds a colleague; the office sees them as new, without an
    account, on its accounts page."""
    organisation = get_organisation_for_edit(request, slug)
    return contact_form_page(request, ContactPerson(organisation=organisation), adding=True)


def contact_form_page(request, contact: ContactPerson, *, adding: bool):
    organisation = contact.organisation
    form = ContactPersonForm(
        request.POST or None,
        instance=contact,
        can_grant_editor=can_edit_organisation(request.user, organisation),
        editor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if adding:
            log_event("contact_added", request, contact=contact.pk)
            messages.success(
                request,
                _(
                    "%(name)s has been added. The office sees the entry as new, without an "
                    "account yet."
                )
                % {"name": contact.name},
            )
        else:
            messages.success(request, _("The contact entry has been saved."))
        return redirect(organisation)
    context = {"contact": contact, "organisation": organisation, "form": form, "adding": adding}
    return render(request, "organisations/contact_edit.html", context)


@login_required
def contact_delete(request, slug, pk):
    """Editors and the office remove a colleague's entry, after asking once (GET asks)."""
    contact = get_contact_for_edit(request, slug, pk)
    organisation = contact.organisation
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    if contact.user_id is not None and contact.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own entry. Please ask the office."))
        return redirect(organisation)
    if request.method == "POST":
        contact.delete()
        log_event("contact_deleted", request, contact=pk)
        messages.success(request, _("%(name)s has been removed.") % {"name": contact.name})
        return redirect(organisation)
    context = {"contact": contact, "organisation": organisation}
    return render(request, "organisations/contact_delete.html", context)


@staff_required
@require_POST
def contact_invite(request, slug, pk):
    contact = get_object_or_404(ContactPerson, organisation__slug=slug, pk=pk)
    try:
        invite_contact_to_account(contact=contact, invited_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s has been invited to an account. The e-mail goes to %(email)s.")
            % {"name": contact.name, "email": contact.email},
        )
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    if not (safe and next_url.startswith("/")):
        next_url = contact.organisation.get_absolute_url()
    return HttpResponseRedirect(next_url)
