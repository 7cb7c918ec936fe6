from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation, ParticipationRequest, PollAnswer, SubstituteProposal
from organisations.models import ContactPerson


class AnswerForm(forms.ModelForm):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitation.Answer.YES, _("I will come")),
            (Invitation.Answer.NO, _("I will not come")),
            (Invitation.Answer.MAYBE, _("Maybe")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Invitation
        fields = ["answer", "persons", "note"]
        labels = {"persons": _("How many people will come, you included?")}
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}


class InviteeAnswerForm(AnswerForm):
    """The invitee's own answer, with the choice of a confirmation mail."""

    send_confirmation = forms.BooleanField(
        label=_("Send me a confirmation by e-mail, with the calendar file"), required=False
    )


class ColleagueForm(forms.Form):
    """A colleague already in the directory stands in (invited at once)."""

    colleague = forms.ModelChoiceField(
        label=_("Colleague from your organisation"),
        queryset=ContactPerson.objects.none(),
        empty_label=_("– please choose –"),
        error_messages={"invalid_choice": _("Please choose a person from the list.")},
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues


class SubstituteProposalForm(forms.ModelForm):
    """Someone not in the directory stands in: the office confirms before anything is sent."""

    class Meta:
        model = SubstituteProposal
        fields = ["name", "email"]
        labels = {"name": _("Name of the person standing in"), "email": _("Their e-mail address")}
        widgets = {"name": forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"})}


class ParticipationRequestForm(forms.ModelForm):
    """A visitor asks to take part; what happens with the data is said before they send it."""

    consent = forms.BooleanField(
        label=_(
            "I agree that the office stores these details to answer my request. They are "
            "deleted once the meeting is over."
        ),
        error_messages={"required": _("Please agree, so that the office may answer you.")},
    )

    class Meta:
        model = ParticipationRequest
        fields = ["name", "organisation_name", "email", "message"]
        labels = {"name": _("Your name"), "email": _("Your e-mail address")}
        help_texts = {
            "organisation_name": _("For whom you would come; for example your association."),
            "message": _("Optional: what brings you, or what you need to take part."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"maxlength": 100, "autocomplete": "name"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def validate_unique(self):
        pass  # a second request from the same address is answered like the first


class PollAnswerForm(forms.Form):
    """One choice per slot ("passt", "notfalls", "passt nicht") and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def __init__(self, *args, slots, answers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        for slot in self.slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=slot.label,
                choices=PollAnswer.Choice.choices,
                widget=forms.RadioSelect,
                initial=answers.get(slot.pk),
                error_messages={"required": _("Please choose an answer for this date.")},
            )
        self.order_fields([f"slot_{slot.pk}" for slot in self.slots] + ["comment"])

    def slot_fields(self):
        return [(slot, self[f"slot_{slot.pk}"]) for slot in self.slots]

    def choices(self) -> dict[int, str]:
        return {slot.pk: self.cleaned_data[f"slot_{slot.pk}"] for slot in self.slots}
