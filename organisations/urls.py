from django.urls import path

from organisations import views

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
