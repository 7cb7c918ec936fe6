from allauth.account import auth_backends
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from common.mail import footer_context


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are by invitation only: staff invite contact persons (see services)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request):
        """Staff land on the office's home (what is due); everyone else where they were going."""
        if request.user.is_staff:
            return reverse("office:home")
        return super().get_login_redirect_url(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mails end with the footer of all our mails (templates/emails/base.txt,
        which templates/account/email/base_message.txt extends)."""
        source = _(
            "You receive this e-mail because it was asked for with your address on the site "
            "of the %(network)s."
        ) % {"network": settings.NETWORK_NAME}
        return super().render_mail(
            template_prefix, email, footer_context(source=source) | context, headers
        )


def user_display(user) -> str:
    """How allauth names a user in messages: by name, never by the internal username."""
    return user.get_full_name() or user.email


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's login by e-mail; the user of each request comes with their contact entry in
    one query, since most pages ask whether the user is a member (`contact_of`)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("contact_person")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
