"""The audit app's line in ``chancery check``: whether the audit trail is copied to a separate collector."""

from __future__ import annotations

from chancery.audit.shipping import shipping_check
from chancery.platform.deployment import CheckItem, register_check


def check_audit_shipping() -> CheckItem:
    """Off (said plainly), shipping with no backlog, or failing with the backlog and the last error."""
    passed, detail = shipping_check()
    return CheckItem("Audit shipping", passed=passed, detail=detail)


register_check("Audit shipping", check_audit_shipping, needs_database=True)
