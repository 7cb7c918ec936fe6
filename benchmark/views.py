from django.shortcuts import render

from organisations.models import ContactPerson


def bare(request):
    """The reference: 50 rows with one join, rendered by a plain template."""
    contacts = ContactPerson.objects.select_related("organisation").order_by("pk")[:50]
    return render(request, "benchmark/bare.html", {"contacts": contacts})
