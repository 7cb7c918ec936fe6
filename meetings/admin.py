from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "status", "when", "venue_name", "is_public"]
    list_filter = ["status", "theme", "is_public"]
    search_fields = ["title", "description", "venue_name", "venue_address"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["theme"]
    date_hierarchy = "sort_at"
    readonly_fields = ["sequence", "uid", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "status", "is_public", "description"]}),
        (
            _("When"),
            {
                "fields": [
                    ("period_year", "period_quarter", "period_month"),
                    ("starts_at", "ends_at"),
                    "answer_deadline",
                    "cancellation_reason",
                ],
                "description": _(
                    "While no date is fixed, give the period: a year with a quarter or a month. "
                    "Once the date is fixed, give the start and the end."
                ),
            },
        ),
        (_("Where"), {"fields": ["venue_name", "venue_address", "online_link", "capacity"]}),
        (
            _("Accessibility"),
            {"fields": ["step_free", "interpretation", "childcare", "accessibility_notes"]},
        ),
        (_("Programme"), {"fields": ["agenda"]}),
        (
            _("After the meeting"),
            {
                "fields": [
                    "participants_count",
                    "organisations_count",
                    "minutes",
                    "minutes_visibility",
                ]
            },
        ),
        (_("Calendar"), {"fields": ["sequence", "uid", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("date or period"), ordering="sort_at")
    def when(self, meeting):
        return meeting.when_label
