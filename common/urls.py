from django.urls import path

from common import health, views

urlpatterns = [
    # Browsers ask for /favicon.ico where a page names no icon (the admin, files opened directly).
    path("favicon.ico", views.favicon, name="favicon"),
    # For the reverse proxy and monitoring (common/health.py).
    path("gesundheit/", health.health, name="health"),
]
