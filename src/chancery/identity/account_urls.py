"""Account pages that replace allauth's of the same name (mounted at ``/accounts/`` before allauth's).

* ``sessions/``: allauth's own-sessions page, but ending sessions asks for re-authentication first;
* ``2fa/`` and ``2fa/recovery-codes/…``: recovery codes are stored hashed, so they are shown once.
"""

from django.urls import path

from chancery.identity import account_views

urlpatterns = [
    path("sessions/", account_views.own_sessions, name="usersessions_list"),
    path("2fa/", account_views.mfa_index, name="mfa_index"),
    path("2fa/recovery-codes/", account_views.recovery_codes, name="mfa_view_recovery_codes"),
    path("2fa/recovery-codes/generate/", account_views.recovery_codes_generate, name="mfa_generate_recovery_codes"),
    path("2fa/recovery-codes/download/", account_views.recovery_codes_download, name="mfa_download_recovery_codes"),
]
