from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from organisations.forms import ConsentFields
from organisations.models import ContactPerson, Organisation, Region, Topic
from organisations.services import invite_contact_to_account


class ConsentRecord:
    """Consent to public display, shown read-only: it is recorded by the model
    (`ContactPerson.record_consent`) when the visibility changes, as in the edit form."""

    form = ConsentFields

    @admin.display(description=_("consent to public display"))
    def consent_record(self, contact):
        if contact is None or contact.consent_given_at is None:
            return "–"
        return _("%(method)s, %(when)s, recorded by %(who)s") % {
            "method": contact.get_consent_method_display(),
            "when": date_format(timezone.localtime(contact.consent_given_at), "j. F Y, H:i"),
            "who": contact.consent_recorded_by or "–",
        }


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


class ContactPersonInline(ConsentRecord, admin.StackedInline):
    model = ContactPerson
    extra = 0
    fields = [
        ("name", "role"),
        ("email", "phone"),
        "topics",
        ("receives_invitations", "is_editor", "visibility"),
        ("consent_method", "consent_record"),
        "user",
    ]
    readonly_fields = ["consent_record"]
    exclude = ["consent_method"]  # the model field; the form's own field asks for the way
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

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        return kwargs | {"form_kwargs": {"editor": request.user}}


@admin.register(ContactPerson)
class ContactPersonAdmin(ConsentRecord, SimpleHistoryAdmin):
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
    readonly_fields = ["consent_record", "created_at", "updated_at"]
    # The model's consent fields are written by record_consent only; the form asks for the way.
    exclude = ["consent_given_at", "consent_method", "consent_recorded_by"]
    actions = ["invite_to_account"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class for each request
        form.recorded_by = request.user
        return form

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
                    "%(count)d invitation is being sent.",
                    "%(count)d invitations are being sent.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
