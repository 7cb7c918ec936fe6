"""The security log: one line per event with UTC time, user id and client address.

Passwords, tokens, e-mail addresses and mail bodies never go into it: a line names the event,
the user by id, the address, and ids of the objects concerned.
"""

import logging
import re
import time
from functools import wraps

from allauth.core.internal import ratelimit
from django.conf import settings

logger = logging.getLogger("netzwerk.security")


# Paths that carry a secret: the personal links (/einladung/<token>/…, /abstimmung/<token>/…,
# /eintrag/<token>/…, /rundmail/<token>/…).
# Every log record that names one, whatever logger writes it (Django's request logger answering
# 404, 405, a CSRF failure or 429, the development server), has the secret replaced before it
# is written.
SECRET_PATH = re.compile(r"(/(?:einladung|abstimmung|eintrag|rundmail)/)[^/\s\"'?#]+")


def mask_secret_paths(text: str) -> str:
    return SECRET_PATH.sub(r"\1…", text)


class MaskSecretPaths(logging.Filter):
    """A filter for every log handler (settings.LOGGING): the record's message with the secret
    parts of personal links masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secret_paths(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


def client_ip(request) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the address they forwarded."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def log_event(event: str, request=None, user=None, **fields) -> None:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    parts = [f"event={event}", f"user={user.pk if user is not None else '-'}"]
    if request is not None:
        parts.append(f"ip={client_ip(request)}")
    parts += [f"{name}={value}" for name, value in fields.items()]
    logger.info(" ".join(parts))


def on_login(sender, request, user, **kwargs):
    """Starts the session's clocks (common.middleware.session_lifetime) and logs the login."""
    now = int(time.time())
    request.session["netzwerk_started"] = now
    request.session["netzwerk_seen"] = now
    log_event("login", request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", request)  # which account was tried stays out of the log


def on_logout(sender, request, user, **kwargs):
    log_event("logout", request, user)


def over_limit(request, action: str):
    """A 429 answer once ACCOUNT_RATE_LIMITS[action] is used up, else None.

    allauth's limiter, counted in the default cache that all processes share. Its public
    `consume` leaves GET requests alone; the pages limited here are GET pages too, hence the
    internal function with `limit_get` (pinned allauth version).
    """
    usage = ratelimit.consume(request, app="allauth.account", action=action, limit_get=True)
    return None if usage is not None else ratelimit.respond_429(request)


def rate_limited(action: str):
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return over_limit(request, action) or view(request, *args, **kwargs)

        return wrapped

    return decorate
