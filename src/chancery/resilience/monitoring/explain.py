"""One sentence per alert saying what triggered it, with its figures (translated, no classified content)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chancery.resilience.monitoring.enums import AlertKind
from chancery.resilience.monitoring.models import SecurityAlert


def _join(values: object) -> str:
    return ", ".join(str(value) for value in values) if isinstance(values, list) else str(values)


def alert_explanation(alert: SecurityAlert) -> str:
    """Return why ``alert`` was raised, with the numbers that crossed the threshold."""
    f = alert.figures
    user = alert.subject_username
    if alert.kind == AlertKind.NEW_CLIENT:
        return _("%(user)s signed in with %(client)s from %(address)s; before, only with: %(known)s.") % {
            "user": user,
            "client": f.get("client", ""),
            "address": f.get("address", ""),
            "known": _join(f.get("known_clients", [])),
        }
    if alert.kind == AlertKind.FAILURE_BURST:
        return _(
            "%(failures)s failed sign-ins against %(accounts)s accounts from %(addresses)s addresses within "
            "%(minutes)s minutes (most tried: %(top)s)."
        ) % {
            "failures": f.get("failures"),
            "accounts": f.get("accounts"),
            "addresses": f.get("addresses"),
            "minutes": f.get("minutes"),
            "top": _join(f.get("top_accounts", [])),
        }
    if alert.kind == AlertKind.UNUSUAL_HOUR:
        return _(
            "%(user)s signed in at %(hour)s h (%(zone)s) from %(address)s; their %(count)s sign-ins of the last "
            "%(days)s days were at: %(usual)s h."
        ) % {
            "user": user,
            "hour": f.get("hour"),
            "zone": f.get("time_zone", ""),
            "address": f.get("address", ""),
            "count": f.get("sign_ins"),
            "days": f.get("days"),
            "usual": _join(f.get("usual_hours", [])),
        }
    if alert.kind == AlertKind.TOKEN_NEW_ADDRESS:
        return _(
            "%(user)s's API token %(prefix)s was used from %(address)s; in the last %(days)s days only from: %(known)s."
        ) % {
            "user": user,
            "prefix": f.get("prefix", ""),
            "address": f.get("address", ""),
            "days": f.get("days"),
            "known": _join(f.get("known_addresses", [])),
        }
    return _(
        "%(user)s downloaded or exported %(count)s times within %(minutes)s minutes (threshold %(threshold)s)."
    ) % {
        "user": user,
        "count": f.get("count"),
        "minutes": f.get("minutes"),
        "threshold": f.get("threshold"),
    }
