from django.urls import path

from organisations import check_views, views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("personen/", views.people_list, name="people"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/bearbeiten/", views.organisation_edit, name="edit"),
    path("<slug:slug>/ansprechpersonen/neu/", views.contact_add, name="contact_add"),
    path(
        "<slug:slug>/ansprechpersonen/<int:pk>/loeschen/",
        views.contact_delete,
        name="contact_delete",
    ),
    path(
        "<slug:slug>/ansprechpersonen/<int:pk>/bearbeiten/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "<slug:slug>/ansprechpersonen/<int:pk>/zugang-einladen/",
        views.contact_invite,
        name="contact_invite",
    ),
]

# /eintrag/<token>/…: the yearly check's pages, reached from the personal link (no account).
check_urlpatterns = [
    path("<str:token>/", check_views.entry_check, name="entry_check"),
    path("<str:token>/profil/", check_views.check_profile, name="entry_check_profile"),
    path("<str:token>/person/<int:pk>/", check_views.check_contact, name="entry_check_contact"),
    path("<str:token>/person/<int:pk>/weg/", check_views.check_gone, name="entry_check_gone"),
]
