from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created


def unicode_lower_for_sqlite(sender, connection, **kwargs):
    """SQLite's LOWER() folds only ASCII; make it fold "Ä" to "ä" as PostgreSQL does."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class CommonConfig(AppConfig):
    name = "common"
    default = True

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from common.security import on_login, on_login_failed, on_logout

        connection_created.connect(unicode_lower_for_sqlite)
        user_logged_in.connect(on_login)
        user_login_failed.connect(on_login_failed)
        user_logged_out.connect(on_logout)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with its pages behind the staff guard (common.admin.AdminSite)."""

    default = False
    default_site = "common.admin.AdminSite"
