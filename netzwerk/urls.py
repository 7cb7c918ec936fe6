"""The root URLconf: each app's URLs by include(), plus the admin and the language switch."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from meetings.urls import invitee_urlpatterns, poll_urlpatterns
from organisations.urls import check_urlpatterns

urlpatterns = [
    path("", include("common.urls")),
    path("", include("pages.urls")),
    path("", include("privacy.urls")),
    path("organisationen/", include("organisations.urls")),
    path("treffen/", include("meetings.urls")),
    path("einladung/", include(invitee_urlpatterns)),
    path("abstimmung/", include(poll_urlpatterns)),
    path("eintrag/", include(check_urlpatterns)),
    path("rundmail/", include("mailings.urls")),
    path("geschaeftsstelle/", include("office.urls")),
    path("konto/", include("allauth.urls")),
    # The admin's own login form knows no second factor: everyone logs in through allauth.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler429 = "common.views.too_many_requests"
