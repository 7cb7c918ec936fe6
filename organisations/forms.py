from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organisations.models import WEBSITE_MESSAGE, ContactPerson, Organisation


class PickWidget(forms.CheckboxSelectMultiple):
    """A long list of boxes: what is chosen named above it and ticked first, and a search
    field that narrows the list (static/js/pick.js; without JavaScript the list is whole)."""

    template_name = "includes/widgets/pick.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        # Ticked boxes first (sorted() keeps the alphabetical order within each part).
        groups.sort(key=lambda group: not any(option["selected"] for option in group[1]))
        context["chosen"] = [
            option["label"]
            for _name, options, _index in groups
            for option in options
            if option["selected"]
        ]
        return context


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
            "regions": PickWidget,
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        error_messages = {"website": {"invalid": WEBSITE_MESSAGE}}


class ConsentFields(forms.ModelForm):
    """How the person agreed to public display, asked when someone else's entry becomes public;
    the record itself is the model's (`ContactPerson.record_consent`), on every path."""

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

    recorded_by = None  # who records, where the form is not given an editor (the admin)

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor if editor is not None else self.recorded_by

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the new visibility
        try:
            self.instance.record_consent(
                by=self.editor, method=self.cleaned_data.get("consent_method", "")
            )
        except ValidationError as error:
            self._update_errors(error)


class ContactPersonForm(ConsentFields):
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

    field_order = ["name", "role", "email", "phone", "topics", "receives_invitations"]
    field_order += ["visibility", "consent_method", "is_editor"]

    def __init__(self, *args, can_grant_editor: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_grant_editor:
            del self.fields["is_editor"]

    def clean_email(self):
        """One entry per address and organisation, said at the field (the database's
        constraint stays the last word)."""
        email = self.cleaned_data["email"]
        others = ContactPerson.objects.filter(
            organisation_id=self.instance.organisation_id, email__iexact=email
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                _("A contact person with this e-mail address already exists in this organisation.")
            )
        return email


class CheckedContactForm(ContactPersonForm):
    """A contact entry from the yearly check's link, which anyone holding it can use: no one is
    made public there (consent is recorded by the person or the office, logged in), and no
    one is given editing rights; a public entry can be withdrawn."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, can_grant_editor=False, **kwargs)
        if self.instance.visibility != ContactPerson.Visibility.PUBLIC:
            field = self.fields["visibility"]
            field.choices = [c for c in field.choices if c[0] != ContactPerson.Visibility.PUBLIC]
            del self.fields["consent_method"]


class CheckedOrganisationForm(OrganisationForm):
    """The profile from the yearly check's link, which anyone holding it can use: whether the
    organisation appears on public pages is its consent, given by its editors logged in."""

    class Meta(OrganisationForm.Meta):
        fields = [name for name in OrganisationForm.Meta.fields if name != "listed_publicly"]
