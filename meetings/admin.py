from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Invitation, Meeting, Notice
from meetings.services import change_notice_recipients


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "theme", "status", "when", "venue_name", "is_public"]
    list_filter = ["status", "theme", "is_public"]
    search_fields = ["title", "description", "venue_name", "venue_address"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["theme"]
    date_hierarchy = "sort_at"
    # The attendance figures come from one place, the office's attendance page.
    readonly_fields = [
        "participants_count",
        "organisations_count",
        "sequence",
        "uid",
        "created_at",
        "updated_at",
    ]
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
        (_("Invitation"), {"fields": ["invitation_text"], "classes": ["collapse"]}),
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        outdated = change_notice_recipients(obj).count() if change else 0
        if outdated:
            url = reverse("office:change_notices", args=[obj.slug])
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("%(count)d invitees have an outdated picture of this meeting.")
                    % {"count": outdated},
                    url,
                    _("Send them a change notice"),
                ),
            )


class NoticeInline(admin.TabularInline):
    model = Notice
    extra = 0
    can_delete = False
    fields = ["kind", "delivery", "attempts", "queued_at", "sent_at", "delivery_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["contact", "organisation", "meeting", "reason", "delivery", "answer", "persons"]
    list_filter = ["meeting", "reason", "delivery", "answer", "attended"]
    search_fields = ["contact__name", "contact__email", "contact__organisation__name"]
    list_select_related = ["contact__organisation", "meeting"]
    autocomplete_fields = ["contact"]
    raw_id_fields = ["meeting", "substitute_for"]
    inlines = [NoticeInline]
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
