from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are by invitation only: staff invite contact persons (see services)."""

    def is_open_for_signup(self, request) -> bool:
        return False
