from django.urls import path

from mailings import views

# /rundmail/<token>/…: the recipient's page, reached from the link in a mailing (no account).
urlpatterns = [
    path("<str:token>/", views.unsubscribe, name="mailing_unsubscribe"),
    path("<str:token>/wieder/", views.resubscribe, name="mailing_resubscribe"),
]
