from allauth.account import auth_backends
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are by invitation only: staff invite contact persons (see services)."""

    def is_open_for_signup(self, request) -> bool:
        return False


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
