from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation


class AnswerForm(forms.ModelForm):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitation.Answer.YES, _("I will come")),
            (Invitation.Answer.NO, _("I will not come")),
            (Invitation.Answer.MAYBE, _("I don't know yet")),
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


class SubstituteForm(forms.Form):
    name = forms.CharField(label=_("Name of the person standing in"), max_length=200)
    email = forms.EmailField(label=_("Their e-mail address"))
