"""Who may see and change what in the directory.

Not a member of the organisation → 404; member without the right → 403; anonymous users are
sent to the login page by the views' login_required.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from organisations.models import ContactPerson, Organisation, contact_of


def can_edit_organisation(user, organisation: Organisation) -> bool:
    if user.is_staff:
        return True
    own = contact_of(user)
    return own is not None and own.organisation_id == organisation.pk and own.is_editor


def get_organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)


def get_organisation_for_edit(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if request.user.is_staff:
        return organisation
    own = contact_of(request.user)
    if own is None or own.organisation_id != organisation.pk:
        raise Http404
    if not own.is_editor:
        raise PermissionDenied
    return organisation


def get_contact_for_edit(request: HttpRequest, slug: str, pk: int) -> ContactPerson:
    contact = get_object_or_404(
        ContactPerson.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    user = request.user
    if user.is_staff or contact.user_id == user.pk:
        return contact
    own = contact_of(user)
    if own is None or own.organisation_id != contact.organisation_id:
        raise Http404
    if not own.is_editor:
        raise PermissionDenied
    return contact


def staff_required(view):
    """Staff pages: anonymous users go to the login page, other users get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
