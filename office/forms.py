"""The office's forms: the invitation text, a guest on the spot, an answer taken by phone,
finding and erasing a person."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.forms import AnswerForm
from meetings.models import Invitation, Meeting
from organisations.imports import FIELDS, read_table
from organisations.models import Organisation

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class InvitationTextForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["invitation_text"]
        widgets = {"invitation_text": forms.Textarea(attrs={"rows": 8})}


class ChosenOrNewOrganisation(forms.Form):
    """An organisation from the directory, or the name of a new one (`new_kind`, not listed
    publicly) — not both, and not neither."""

    new_kind = Organisation.Kind.OTHER
    both = _("Please choose an organisation or enter a new one, not both.")
    neither = _("Please choose the organisation or enter a new one.")

    def clean(self):
        data = super().clean()
        chosen, new = data.get("organisation"), data.get("new_organisation", "").strip()
        if chosen and new:
            raise ValidationError(self.both)
        if not chosen and not new and "organisation" not in self.errors:
            raise ValidationError(self.neither)
        if new:
            data["organisation"] = Organisation(name=new, kind=self.new_kind, listed_publicly=False)
        return data


class GuestForm(ChosenOrNewOrganisation):
    """A guest added on the spot, typically someone at a state agency."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.CharField(label=_("Role or function"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("State agency already in the directory"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.STATE_AGENCY),
        required=False,
        empty_label=_("– none, enter a new one below –"),
    )
    new_organisation = forms.CharField(
        label=_("Or a new state agency"),
        max_length=200,
        required=False,
        help_text=_("It is entered in the directory as a state agency, not listed publicly."),
    )
    new_kind = Organisation.Kind.STATE_AGENCY
    both = _("Please choose an agency or enter a new one, not both.")
    neither = _("Please choose the guest's agency or enter a new one.")


class AcceptRequestForm(ChosenOrNewOrganisation):
    """A request to take part accepted: for which organisation the person comes."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation already in the directory"),
        queryset=Organisation.objects.only("pk", "name"),
        required=False,
        empty_label=_("– none, enter a new one below –"),
    )
    new_organisation = forms.CharField(
        label=_("Or a new organisation"),
        max_length=200,
        required=False,
        help_text=_("It is entered in the directory as “other”, not listed publicly."),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked the request: erase this person's data everywhere. "
            "This cannot be undone."
        )
    )


class PersonSearchForm(forms.Form):
    """Find everything held under an address: current entries and deleted ones' leftovers."""

    email = forms.EmailField(label=_("E-mail address"))


class OfficeAnswerForm(AnswerForm):
    """An answer that came by phone or mail, in the office's words (not the invitee's)."""

    CHOICES = {
        Invitation.Answer.YES: _("comes"),
        Invitation.Answer.NO: _("does not come"),
        Invitation.Answer.MAYBE: _("does not know yet"),
    }

    class Meta(AnswerForm.Meta):
        labels = {
            "persons": _("How many people come, the invited person included?"),
            "note": _("Note of the invited person"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answer = self.fields["answer"]
        answer.label = _("Answer")
        answer.choices = [(value, self.CHOICES[value]) for value, _label in answer.choices]


class SlotForm(forms.Form):
    """One candidate date: the day, from, to (a row left empty is no date)."""

    day = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts = forms.TimeField(
        label=pgettext_lazy("time span", "From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    ends = forms.TimeField(
        label=pgettext_lazy("time span", "To"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )

    def clean(self):
        data = super().clean()
        given = [data.get(name) for name in ("day", "starts", "ends")]
        if any(given) and not all(given) and not self.errors:
            raise ValidationError(_("Please give the date, the start and the end."))
        if all(given) and data["ends"] <= data["starts"]:
            raise ValidationError(_("The end must come after the start."))
        return data

    def span(self):
        """(start, end) as aware datetimes in the network's time zone, or None if empty."""
        data = self.cleaned_data
        if not data.get("day"):
            return None
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(data["day"], data["starts"], zone),
            datetime.datetime.combine(data["day"], data["ends"], zone),
        )


SlotFormSet = forms.formset_factory(SlotForm, extra=12, max_num=12)


class PollForm(forms.Form):
    deadline = forms.DateField(
        label=_("Answers by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Participants can answer until the end of this day."),
    )
    note = forms.CharField(
        label=_("Note to the participants (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def deadline_at(self) -> datetime.datetime:
        zone = timezone.get_current_timezone()
        return datetime.datetime.combine(self.cleaned_data["deadline"], datetime.time.max, zone)


class ImportUploadForm(forms.Form):
    """The office's address list: read now, so that what cannot be read is said at once."""

    file = forms.FileField(
        label=_("Address list (CSV or Excel)"),
        help_text=_(
            "One row per contact person, the column names in the first row. CSV as Excel saves "
            "it (UTF-8 or Windows, semicolons or commas) or an Excel workbook (.xlsx)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: please split it."))
        data = upload.read()
        self.rows = read_table(data, upload.name)  # ValidationError with its reason
        self.data = data
        return upload


class ImportMappingForm(forms.Form):
    """Which field each column of the file fills; a column can be left out."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– not imported –"))] + [
            (name, label) for name, (label, _w) in FIELDS.items()
        ]
        for index, text in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=text or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
            )

    def clean(self):
        data = super().clean()
        chosen = [value for value in data.values() if value]
        twice = {name for name in chosen if chosen.count(name) > 1}
        if twice:
            raise ValidationError(
                _("Each field can be filled from one column only: %(fields)s.")
                % {"fields": ", ".join(str(FIELDS[name][0]) for name in sorted(twice))}
            )
        if "organisation" not in chosen:
            raise ValidationError(_("Please choose the column that names the organisation."))
        return data

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("column_"): value for name, value in self.cleaned_data.items()}
