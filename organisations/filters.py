import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_WORDS,
    ContactPerson,
    Organisation,
    Region,
    Topic,
)


def few_enough_words(text: str) -> None:
    if len(text.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Please search with at most %(count)d words.") % {"count": SEARCH_MAX_WORDS}
        )


def search_filter(label) -> django_filters.CharFilter:
    """Words to look for, within the bounds every search keeps (German message beyond)."""
    return django_filters.CharFilter(
        label=label,
        method="search",
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        max_length=SEARCH_MAX_LENGTH,
        validators=[few_enough_words],
        error_messages={
            "max_length": _("Please search with at most %(limit_value)d characters."),
        },
    )


def region_filter() -> django_filters.ModelChoiceFilter:
    """A region; those working statewide are in every region (the filterset's in_region)."""
    return django_filters.ModelChoiceFilter(
        label=_("Region"),
        method="in_region",
        to_field_name="slug",
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )


class OrganisationFilter(django_filters.FilterSet):
    q = search_filter(_("Search"))
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
    region = region_filter()
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
        return queryset.search(value, user=self.request.user)

    def active(self) -> list[str]:
        """The filters in use beside the words, as "Themenfeld: Gesundheit" (for the empty
        state's hint, which says what to change)."""
        if not self.is_bound or not self.is_valid():
            return []
        shown = []
        for name in ["topic", "kind", "region", "core_circle"]:
            value = self.form.cleaned_data.get(name)
            if value:
                field = self.form.fields[name]
                if not isinstance(value, models.Model):
                    value = dict(field.choices).get(value, value)
                shown.append(f"{field.label}: {value}")
        return shown

    def in_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_core_circle(self, queryset, name, value):
        return queryset.filter(in_core_circle=(value == "ja"))


class PersonFilter(django_filters.FilterSet):
    """The members' people view: who works on what, among the persons the member may see."""

    q = search_filter(_("Name, role or organisation"))
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        method="working_on",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        empty_label=_("All topics"),
    )
    region = region_filter()

    class Meta:
        model = ContactPerson
        fields = ["q", "topic", "region"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def working_on(self, queryset, name, value):
        return queryset.working_on(value)

    def in_region(self, queryset, name, value):
        return queryset.filter(organisation__in=Organisation.objects.in_region(value))
