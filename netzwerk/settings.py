"""Netzwerk settings: one file, configured by environment variables (see README)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

NETWORK_NAME = os.environ.get("NETWORK_NAME", "Netzwerk Flüchtlingsarbeit Baden-Württemberg")
NETWORK_OPERATOR = os.environ.get("NETWORK_OPERATOR", "Flüchtlingsrat Baden-Württemberg e. V.")
NETWORK_ADDRESS = os.environ.get("NETWORK_ADDRESS", "Hauptstätter Straße 57, 70178 Stuttgart")
NETWORK_EMAIL = os.environ.get("NETWORK_EMAIL", "info@example.org")
# For the privacy notice (/datenschutz/): who hosts the app and who delivers its mail.
PRIVACY_HOSTING = os.environ.get("PRIVACY_HOSTING", "")
PRIVACY_MAIL_PROVIDER = os.environ.get("PRIVACY_MAIL_PROVIDER", "")

INSTALLED_APPS = [
    "common.apps.AdminConfig",  # Django's admin behind the staff guard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "simple_history",
    # Ours, in their layers (docs/architecture.md): each imports only those above it.
    "common",
    "organisations",
    "meetings",
    "mailings",
    "privacy",
    "office",
    "pages",
    "netzwerk",  # the demo and reference data commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.allowed_methods",
    "common.middleware.NumbersTooLarge",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "common.middleware.session_lifetime",
]

ROOT_URLCONF = "netzwerk.urls"
WSGI_APPLICATION = "netzwerk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.network",
            ],
        },
    },
]

# Database: SQLite in .data/ unless DATABASE_URL is set (PostgreSQL in production).
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "netzwerk.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches shared by all worker processes: the database cache, or Redis with REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")


def shared_cache(table: str, prefix: str = "") -> dict:
    if REDIS_URL:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    return backend | {"KEY_PREFIX": prefix}


CACHES = {
    # Rate limits (allauth counts in the default cache), alone: a full database cache drops a
    # third of its entries, and nothing else may push the counters out that way.
    "default": shared_cache("netzwerk_cache"),
    # Page renderings and the calendar file ({% cache %} takes this alias by its name): a table
    # of their own, so that erasing a person can drop every rendering that showed them
    # (common.caching.drop_renderings) without touching sessions or rate limits.
    "template_fragments": shared_cache("netzwerk_renderings", "fragments"),
    # Copies of sessions: many entries, each rebuilt from the database when dropped.
    "sessions": shared_cache("netzwerk_copies", "sessions"),
}

# Sessions are read from the cache (no SQL with Redis) and kept in the database as well, so a
# session survives a cache restart; logout, password changes and deactivation end them as before.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker silent this many seconds counts as gone: a living one takes over its task
# (common/worker.py).
WORKER_ABANDONED_AFTER = env_int("WORKER_ABANDONED_AFTER", 30)

# Authentication (django-allauth): e-mail login, no usernames, no open sign-up.
AUTHENTICATION_BACKENDS = ["organisations.adapter.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "organisations.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_USER_DISPLAY = "organisations.adapter.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{NETWORK_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Rate limits live in the default cache, shared by all worker processes (database or Redis).
# Besides allauth's own: the personal invitation pages and the directory search.
ACCOUNT_RATE_LIMITS = {
    "invitation_page": "30/m/ip",
    "directory_search": "120/m/ip",
    "participation_request": "10/h/ip",  # sent requests to take part, per address
    "entry_check": "30/m/ip",  # the yearly check's link: misses and changes
}

# Second factor (allauth.mfa): required for staff before any of the office's rights apply
# (common.staff: every staff-only view and action, the admin too); open to every member.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = NETWORK_NAME
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://127.0.0.1 in development
# Development only (allauth refuses it with DEBUG off): the demo's staff login takes this code.
MFA_TOTP_INSECURE_BYPASS_CODE = "123456" if DEBUG else None

# Personal data past this many days is removed by `manage.py retention` (run daily): answer
# notes and mail errors of past meetings, task records, history of deleted contact persons.
RETENTION_DAYS = env_int("RETENTION_DAYS", 365)
# The yearly check ("Ist Ihr Eintrag noch aktuell?"): asked this many days after an entry was
# last confirmed (`manage.py entry_checks`, daily); its personal link works for 30 days.
ENTRY_CHECK_INTERVAL_DAYS = env_int("ENTRY_CHECK_INTERVAL_DAYS", 365)
ENTRY_CHECK_LINK_DAYS = 30
# Who was asked in a date poll and their answers: removed this many days after the poll closed.
POLL_RETENTION_DAYS = env_int("POLL_RETENTION_DAYS", 90)

# Mail: console in development unless MAIL_URL-style settings are given.
EMAIL_DIR = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{NETWORK_NAME} <{NETWORK_EMAIL}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": env_int("SMTP_PORT", 587),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_STARTTLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(EMAIL_DIR)},
        }
    }

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# urlize (mailings' text, the meetings' descriptions): "www.example.org" becomes an https link,
# as Django 7 will do by default.
URLIZE_ASSUME_HTTPS = True

# Static files, served by whitenoise with far-future caching of hashed names.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development, whitenoise serves files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Logged-in sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS
# after the login at the latest (common.middleware.session_lifetime).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600
# Client addresses in the security log and for rate limits: REMOTE_ADDR, or the address the
# given number of trusted proxies put into X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {
            "()": "common.security.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    # Personal links carry secrets: masked in every record, whatever logger writes it.
    "filters": {"mask_secret_paths": {"()": "common.security.MaskSecretPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "filters": ["mask_secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's loggers write through the handler above too (their own handlers, which would
    # write paths unmasked, are replaced): requests answered 4xx/5xx, the development server.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
FORM_RENDERER = "common.forms.FormRenderer"
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
