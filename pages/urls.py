from django.urls import path
from django.views.generic import TemplateView

from pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", views.account, name="account"),
    path("netzwerk-in-zahlen/", views.figures, name="figures"),
    path(
        "impressum/", TemplateView.as_view(template_name="pages/impressum.html"), name="impressum"
    ),
]
