import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, Region, Topic, is_member


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        empty_label=_("All topics"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All kinds")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="regions",
        to_field_name="slug",
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    core_circle = django_filters.ChoiceFilter(
        label=_("Core circle"),
        method="filter_core_circle",
        choices=[("ja", _("Core circle only")), ("nein", _("Not in the core circle"))],
        empty_label=_("All organisations"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "topic", "kind", "region", "core_circle"]

    def search(self, queryset, name, value):
        return queryset.search(value, with_contacts=is_member(self.request.user))

    def filter_core_circle(self, queryset, name, value):
        return queryset.filter(in_core_circle=(value == "ja"))
