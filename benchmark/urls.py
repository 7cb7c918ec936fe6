from django.urls import path

from benchmark.views import bare

urlpatterns = [path("", bare)]
