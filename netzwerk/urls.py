from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from meetings import views as meeting_views
from meetings.urls import staff_urlpatterns
from netzwerk import views as netzwerk_views
from organisations import privacy_views
from organisations import views as organisation_views

admin.site.site_header = admin.site.site_title = f"{settings.NETWORK_NAME} · Verwaltung"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    # Browsers ask for /favicon.ico where a page names no icon (the admin, files opened directly).
    path("favicon.ico", netzwerk_views.favicon, name="favicon"),
    path("", organisation_views.home, name="home"),
    path("organisationen/", include("organisations.urls")),
    path("treffen/", include("meetings.urls")),
    path("einladung/<str:token>/", meeting_views.invitation_answer, name="invitation_answer"),
    path(
        "einladung/<str:token>/vertretung/",
        meeting_views.invitation_substitute,
        name="invitation_substitute",
    ),
    path(
        "einladung/<str:token>/widerspruch/",
        meeting_views.invitation_objection,
        name="invitation_objection",
    ),
    path("geschaeftsstelle/", organisation_views.staff_home, name="staff_home"),
    path("geschaeftsstelle/personen/<int:pk>/", privacy_views.person_data, name="person_data"),
    path(
        "geschaeftsstelle/personen/<int:pk>.json",
        privacy_views.person_data,
        {"as_json": True},
        name="person_data_json",
    ),
    path(
        "geschaeftsstelle/treffen/",
        include((staff_urlpatterns, "meetings"), namespace="staff_meetings"),
    ),
    path("konto/", organisation_views.account, name="account"),
    path("konto/meine-daten/", privacy_views.own_data, name="own_data"),
    path("konto/meine-daten.json", privacy_views.own_data, {"as_json": True}, name="own_data_json"),
    path("konto/", include("allauth.urls")),
    # The admin's own login form knows no second factor: everyone logs in through allauth.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("impressum/", TemplateView.as_view(template_name="impressum.html"), name="impressum"),
    path("datenschutz/", netzwerk_views.privacy_notice, name="datenschutz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "netzwerk.views.permission_denied"
handler429 = "netzwerk.views.too_many_requests"
