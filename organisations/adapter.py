from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are by invitation only: staff invite contact persons (see services)."""

    def is_open_for_signup(self, request) -> bool:
        return False


def user_display(user) -> str:
    """How allauth names a user in messages: by name, never by the internal username."""
    return user.get_full_name() or user.email
