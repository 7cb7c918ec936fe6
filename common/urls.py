from django.urls import path

from common import views

urlpatterns = [
    # Browsers ask for /favicon.ico where a page names no icon (the admin, files opened directly).
    path("favicon.ico", views.favicon, name="favicon"),
]
