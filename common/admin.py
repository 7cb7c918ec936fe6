from django.conf import settings
from django.contrib import admin

from common.staff import staff_required


class AdminSite(admin.AdminSite):
    """Django's admin, each of its pages behind the staff guard (second factor included)."""

    index_title = "Verwaltung"

    @property
    def site_header(self):
        return f"{settings.NETWORK_NAME} · Verwaltung"

    site_title = site_header

    def admin_view(self, view, cacheable=False):
        return super().admin_view(staff_required(view), cacheable)
