from django.shortcuts import redirect, render
from django.templatetags.static import static

from common.security import log_event, mask_secret_paths


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    log_event("access_denied", request, path=request.path)
    return render(request, "403.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin, files opened)."""
    return redirect(static("img/favicon.svg"))


def too_many_requests(request, exception=None):
    log_event("rate_limited", request, path=mask_secret_paths(request.path))
    return render(request, "429.html", status=429)
