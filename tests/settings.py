"""Settings for the test run: the production settings (netzwerk/settings.py), with only what
tests need changed. Production settings know nothing of tests."""

from netzwerk.settings import *  # noqa: F403
from netzwerk.settings import STORAGES

# The test client and the live server speak plain http on 127.0.0.1, where browsers drop
# cookies with the __Host- prefix and a redirect to https leads nowhere.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# Static files straight from the app folders, without collectstatic.
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Worker processes started by tests take over a killed worker's task after 6 seconds, not 30.
WORKER_ABANDONED_AFTER = 6
