from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation, Meeting


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["contact", "organisation", "meeting", "reason", "delivery", "answer", "persons"]
    list_filter = ["meeting", "reason", "delivery", "answer", "attended"]
    search_fields = ["contact__name", "contact__email", "contact__organisation__name"]
    list_select_related = ["contact__organisation", "meeting"]
    autocomplete_fields = ["contact"]
    raw_id_fields = ["meeting", "substitute_for"]
    readonly_fields = ["delivery", "delivery_error", "attempts", "queued_at", "sent_at"]
    fields = [
        "meeting",
        "contact",
        "reason",
        "substitute_for",
        ("answer", "persons", "answered_at"),
        "note",
        "attended",
        "revoked_at",
        ("delivery", "attempts", "queued_at", "sent_at"),
        "delivery_error",
    ]

    @admin.display(description=_("organisation"), ordering="contact__organisation__name")
    def organisation(self, invitation):
        return invitation.contact.organisation
