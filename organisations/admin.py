from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import ContactPerson, Organisation, Region, Topic
from organisations.services import invite_contact_to_account


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ContactPersonInline(admin.StackedInline):
    model = ContactPerson
    extra = 0
    fields = [
        ("name", "role"),
        ("email", "phone"),
        "topics",
        ("receives_invitations", "is_editor", "visibility"),
        ("consent_given_at", "consent_method"),
        "user",
    ]
    autocomplete_fields = ["topics"]
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "city", "in_core_circle", "listed_publicly"]
    list_filter = ["kind", "in_core_circle", "listed_publicly", "topics", "regions"]
    list_editable = ["in_core_circle", "listed_publicly"]
    search_fields = ["name", "short_name", "city", "description", "contacts__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics", "regions"]
    inlines = [ContactPersonInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(ContactPerson)
class ContactPersonAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "organisation",
        "role",
        "email",
        "receives_invitations",
        "is_editor",
        "has_account",
    ]
    list_filter = [
        "receives_invitations",
        "is_editor",
        "visibility",
        "organisation__in_core_circle",
        "topics",
    ]
    search_fields = ["name", "email", "role", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "topics"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["invite_to_account"]

    @admin.display(boolean=True, description=_("account"))
    def has_account(self, contact):
        return contact.user_id is not None

    @admin.action(description=_("Invite to an account (send e-mail)"))
    def invite_to_account(self, request, queryset):
        sent = 0
        for contact in queryset.select_related("organisation"):
            try:
                invite_contact_to_account(contact=contact, invited_by=request.user, request=request)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation has been sent.",
                    "%(count)d invitations have been sent.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
