from django.urls import path

from privacy import views

urlpatterns = [
    path("datenschutz/", views.privacy_notice, name="datenschutz"),
    path("konto/meine-daten/", views.own_data, name="own_data"),
    path("konto/meine-daten.json", views.own_data, {"as_json": True}, name="own_data_json"),
]
