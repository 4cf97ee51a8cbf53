"""allauth adapter: no self sign-up; accounts are created by administrators."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up: a ministry provisions its accounts."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Return False: accounts are created by administrators only."""
        return False
