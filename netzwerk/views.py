from django.shortcuts import render

from netzwerk.security import log_event


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    log_event("access_denied", request, path=request.path)
    return render(request, "403.html", status=403)
