"""Security officers' pages (mounted at ``/security/``): lockouts and the accounts they look after."""

from django.urls import path

from chancery.identity import officer_views, views

app_name = "security"
urlpatterns = [
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
    path("accounts/", officer_views.accounts, name="accounts"),
    path("accounts/<int:user_id>/", officer_views.account, name="account"),
    path("accounts/<int:user_id>/sessions/end/", officer_views.account_sessions_end, name="account_sessions_end"),
    path("accounts/<int:user_id>/password/reset/", officer_views.account_password_reset, name="account_password_reset"),
    path("accounts/<int:user_id>/mfa-reset/", officer_views.account_mfa_reset, name="account_mfa_reset"),
    path("sessions/end-all/", officer_views.sessions_end_all, name="sessions_end_all"),
    path("mfa-resets/<int:request_id>/approve/", officer_views.mfa_reset_approve, name="mfa_reset_approve"),
    path("mfa-resets/<int:request_id>/reject/", officer_views.mfa_reset_reject, name="mfa_reset_reject"),
]
