from django import forms
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

    def __init__(self, *args, can_grant_editor: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_grant_editor:
            del self.fields["is_editor"]


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
