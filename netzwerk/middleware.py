import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

# Where staff need a second factor: the office's pages and the admin.
STAFF_AREAS = ("/geschaeftsstelle/", "/admin/")


def language(get_response):
    """German unless the visitor chose another language in the footer (language cookie).

    Browsers' Accept-Language is ignored on purpose: the network works in German, and a German
    page should not turn English because a browser was set up in English.
    """

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response

    return middleware


def staff_second_factor(get_response):
    """Staff reach the office's pages and the admin only with a second factor set up.

    allauth asks for that factor at every login of an account that has one, so a session of
    such an account has passed it. Staff without one are led to set it up first.
    """

    def middleware(request):
        user = request.user
        if (
            request.path.startswith(STAFF_AREAS)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
        ):
            messages.warning(
                request,
                _(
                    "Office pages hold personal data: please set up a second factor first, "
                    "an authenticator app or a security key."
                ),
            )
            return redirect("mfa_index")
        return get_response(request)

    return middleware


def session_lifetime(get_response):
    """End a logged-in session after SESSION_IDLE_TIMEOUT idle, or SESSION_COOKIE_AGE in all.

    The last activity is written at most once a minute, so not every request saves the session.
    """

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get("netzwerk_started", 0)  # set at login
            seen = request.session.get("netzwerk_seen", 0)
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request,
                    _("For your safety you have been logged out. Please log in again."),
                )
                return redirect_to_login(request.get_full_path())
            if now - seen >= 60:
                request.session["netzwerk_seen"] = now
        return get_response(request)

    return middleware
