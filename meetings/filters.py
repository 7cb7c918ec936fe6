import django_filters
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from organisations.models import Topic


class MeetingFilter(django_filters.FilterSet):
    thema = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="theme",
        to_field_name="slug",
        queryset=Topic.objects.filter(meetings__isnull=False).distinct(),
        empty_label=_("All themes"),
    )

    class Meta:
        model = Meeting
        fields = ["thema"]
