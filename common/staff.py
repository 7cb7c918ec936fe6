"""The one staff guard: the office's rights need a staff account *and* a second factor.

Every staff-only view carries `staff_required` (or `StaffRequiredMixin`); every staff-only
right checked inside a view or a queryset (seeing staff-only contacts, editing any
organisation) asks `has_staff_rights`, and a view that is about to use such a right calls
`require_second_factor`. So the rule holds wherever the page lives, not by its URL.
"""

from functools import wraps

from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# allauth's Authenticator.Type values of an authenticator app and a security key (named here, so
# that importing the guard does not load allauth.mfa's models).
SECOND_FACTORS = ["totp", "webauthn"]


def has_second_factor(user) -> bool:
    """Whether the account has an authenticator app or a security key (asked once a request).

    allauth asks for that factor at every login of an account that has one, so a session of
    such an account has passed it.
    """
    if not hasattr(user, "_netzwerk_second_factor"):
        from allauth.mfa.utils import is_mfa_enabled

        user._netzwerk_second_factor = is_mfa_enabled(user, SECOND_FACTORS)
    return user._netzwerk_second_factor


def has_staff_rights(user) -> bool:
    """Staff with a second factor: the only accounts that get the office's rights."""
    return user.is_authenticated and user.is_active and user.is_staff and has_second_factor(user)


def second_factor_setup(request):
    messages.warning(
        request,
        _(
            "Office pages hold personal data: please set up a second factor first, "
            "an authenticator app or a security key."
        ),
    )
    return redirect("mfa_index")


def require_second_factor(request) -> None:
    """For a staff account about to use the office's rights: without a second factor, the
    request ends on the page that sets one up."""
    if request.user.is_staff and not has_second_factor(request.user):
        raise ImmediateHttpResponse(second_factor_setup(request))


def staff_required(view):
    """Staff-only views: anonymous users go to the login page, other users get 403, staff
    without a second factor are led to set one up."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        if not has_second_factor(request.user):
            return second_factor_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


class StaffRequiredMixin(LoginRequiredMixin):
    """`staff_required` for class-based views."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise PermissionDenied
        if not has_second_factor(request.user):
            return second_factor_setup(request)
        return super().dispatch(request, *args, **kwargs)
