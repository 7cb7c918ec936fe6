from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation, SubstituteProposal
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
