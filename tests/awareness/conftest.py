"""Fixtures of the awareness tests: a partner ministry and a shared threat-intelligence collection."""

from __future__ import annotations

from tests.threatintel.conftest import collection, other_partner_org, partner_org, partner_user

__all__ = ["collection", "other_partner_org", "partner_org", "partner_user"]
