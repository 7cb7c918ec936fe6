"""Who may see and change what in the directory.

Not a member of the organisation → 404; member without the right → 403; anonymous users are
sent to the login page by the views' login_required; staff without a second factor are sent to
set one up (common.staff) before any of the office's rights apply.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from common.staff import has_staff_rights, require_second_factor
from organisations.models import ContactPerson, Organisation, contact_of


def can_edit_organisation(user, organisation: Organisation) -> bool:
    if has_staff_rights(user):
        return True
    own = contact_of(user)
    return own is not None and own.organisation_id == organisation.pk and own.is_editor


def get_organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)


def get_organisation_for_edit(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if request.user.is_staff:
        require_second_factor(request)
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
    if contact.user_id == user.pk:
        return contact
    if user.is_staff:
        require_second_factor(request)
        return contact
    own = contact_of(user)
    if own is None or own.organisation_id != contact.organisation_id:
        raise Http404
    if not own.is_editor:
        raise PermissionDenied
    return contact
