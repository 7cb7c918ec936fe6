from django.shortcuts import redirect, render
from django.templatetags.static import static

from common.security import SECRET_PATH, log_event, mask_secret_paths


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    """A personal link that opens nothing (expired, replaced, cut short in the mail program)
    says so and whom to ask, rather than that the page does not exist."""
    personal_link = SECRET_PATH.match(request.path) is not None
    return render(request, "404.html", {"personal_link": personal_link}, status=404)


def permission_denied(request, exception=None):
    log_event("access_denied", request, path=request.path)
    return render(request, "403.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin, files opened)."""
    return redirect(static("img/favicon.svg"))


def too_many_requests(request, exception=None):
    log_event("rate_limited", request, path=mask_secret_paths(request.path))
    return render(request, "429.html", status=429)
