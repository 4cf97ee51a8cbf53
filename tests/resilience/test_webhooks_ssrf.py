"""The endpoint check is a parser of outside input: property-based tests that it never lets a non-public
address through and never fails with anything but InvalidInput."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.platform.errors import InvalidInput
from chancery.resilience.webhooks import ssrf

NO_FIXTURE_RESET = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@NO_FIXTURE_RESET
@given(st.text(max_size=80))
def test_any_text_is_either_a_checked_endpoint_or_a_refusal(text: str) -> None:
    try:
        endpoint = ssrf.endpoint_check(text)
    except InvalidInput as refused:
        errors = refused.errors
    else:
        errors = {}
        assert endpoint.scheme in {"http", "https"}
        assert ssrf.address_allowed(ipaddress.ip_address(endpoint.address), ssrf.allowlist())
    assert not errors or "url" in errors


@NO_FIXTURE_RESET
@given(st.ip_addresses())
def test_non_public_literal_addresses_are_refused_without_an_allowlist(address: Any) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    if address.is_global and not address.is_multicast:
        return
    with pytest.raises(InvalidInput):
        ssrf.endpoint_check(f"http://{host}/hook")


@pytest.mark.parametrize(("allow", "address", "allowed"), [(["10.0.0.0/8"], "10.2.3.4", True), ([], "10.2.3.4", False)])
def test_the_allowlist_admits_listed_networks_only(
    allow: list[str], address: str, allowed: bool, settings: Any
) -> None:
    settings.WEBHOOK_ALLOWLIST = allow
    assert ssrf.address_allowed(ipaddress.ip_address(address), ssrf.allowlist()) is allowed
