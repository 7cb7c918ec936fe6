import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


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


def session_lifetime(get_response):
    """End a logged-in session after SESSION_IDLE_TIMEOUT idle, or SESSION_COOKIE_AGE in all;
    answers to logged-in users are never cached.

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
            # What a logged-in user sees may hold personal data: no copy in any cache.
            response = get_response(request)
            add_never_cache_headers(response)
            return response
        return get_response(request)

    return middleware


ALLOWED_METHODS = ["GET", "HEAD", "POST"]


def allowed_methods(get_response):
    """TRACE, PUT, DELETE and the like answer 405 everywhere: no page uses them."""

    def middleware(request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return get_response(request)

    return middleware


class NumbersTooLarge:
    """A number beyond 64 bits in a form or a list of ids answers with the 400 page.

    SQLite cannot bind such integers and raises OverflowError, which Django's form fields do
    not catch (PostgreSQL simply finds nothing); the request is bad input, not a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return render(request, "400.html", status=400)
        return None
