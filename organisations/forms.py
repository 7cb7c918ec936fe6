from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import WEBSITE_MESSAGE, ContactPerson, Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "description",
            "topics",
            "regions",
            "street",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "languages",
            "listed_publicly",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        error_messages = {"website": {"invalid": WEBSITE_MESSAGE}}


class ContactPersonForm(forms.ModelForm):
    """A contact entry; only editors and staff may grant editing rights."""

    class Meta:
        model = ContactPerson
        fields = [
            "name",
            "role",
            "email",
            "phone",
            "topics",
            "receives_invitations",
            "visibility",
            "is_editor",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "visibility": forms.RadioSelect,
        }

    consent_method = forms.ChoiceField(
        label=_("How has the person agreed to be shown publicly?"),
        choices=[
            ("", _("– only when showing the person publicly –")),
            (ContactPerson.ConsentMethod.WRITTEN, _("in writing or by e-mail")),
            (ContactPerson.ConsentMethod.VERBAL, _("verbally")),
        ],
        required=False,
        help_text=_("Needed when someone else's entry is shown publicly for the first time."),
    )

    field_order = ["name", "role", "email", "phone", "topics", "receives_invitations"]
    field_order += ["visibility", "consent_method", "is_editor"]

    def __init__(self, *args, can_grant_editor: bool = True, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.was_public = self.instance.visibility == ContactPerson.Visibility.PUBLIC
        if not can_grant_editor:
            del self.fields["is_editor"]

    def clean(self):
        data = super().clean()
        public = data.get("visibility") == ContactPerson.Visibility.PUBLIC
        own_entry = self.editor is not None and self.instance.user_id == self.editor.pk
        if public and not self.was_public and not own_entry and not data.get("consent_method"):
            self.add_error(
                "consent_method",
                _("Please say how the person agreed to be shown on the public pages."),
            )
        return data

    def save(self, commit=True):
        """Records consent to public display, and its withdrawal: when, how and by whom."""
        contact = super().save(commit=False)
        public = contact.visibility == ContactPerson.Visibility.PUBLIC
        if public != self.was_public:
            own_entry = self.editor is not None and contact.user_id == self.editor.pk
            contact.consent_given_at = timezone.now() if public else None
            contact.consent_method = (
                (
                    ContactPerson.ConsentMethod.SELF
                    if own_entry
                    else self.cleaned_data["consent_method"]
                )
                if public
                else ""
            )
            contact.consent_recorded_by = self.editor
        if commit:
            contact.save()
            self.save_m2m()
        return contact


class BaseContactFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in seen:
                form.add_error(
                    "email", _("This e-mail address appears twice. Enter each person only once.")
                )
            seen.add(email)


ContactPersonFormSet = forms.inlineformset_factory(
    Organisation,
    ContactPerson,
    form=ContactPersonForm,
    formset=BaseContactFormSet,
    extra=1,
    can_delete=True,
)
