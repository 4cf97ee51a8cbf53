"""Refusing webhook endpoints inside the ministry's network (server-side request forgery).

An endpoint's host is resolved and every address it resolves to must be public (``is_global`` and not
multicast) unless it falls in ``WEBHOOK_ALLOWLIST`` (addresses or networks). The delivery then connects to
the address that was checked (no second lookup an attacker's DNS could change in between).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from chancery.platform.errors import InvalidInput

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address
type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A checked endpoint: scheme, host name (for Host and TLS), port, path and the address to dial."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"url": [message]})


def allowlist() -> list[Network]:
    """Return ``WEBHOOK_ALLOWLIST`` as networks (a bare address is a /32 or /128 network)."""
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.WEBHOOK_ALLOWLIST]


def address_allowed(address: Address, networks: list[Network]) -> bool:
    """True when ``address`` is public, or inside one of the allowlisted ``networks``."""
    if any(address in network for network in networks):
        return True
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(_("The endpoint's host name does not resolve.")) from None
    addresses: list[Address] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        addresses.append(ipaddress.ip_address(text))
    return addresses


def endpoint_check(url: str) -> Endpoint:
    """Parse and resolve ``url``; raise InvalidInput (field ``url``) unless every address is allowed.

    Needs an ``http``/``https`` URL without user information. Emits nothing.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _refuse(_("Use an http:// or https:// address."))
    if parts.username or parts.password:
        raise _refuse(_("The address must not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse(_("The port is not valid.")) from None
    addresses = _resolve(parts.hostname, port)
    networks = allowlist()
    if not addresses or not all(address_allowed(address, networks) for address in addresses):
        raise _refuse(_("The endpoint resolves to a private, loopback or link-local address; it is refused."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Endpoint(scheme=parts.scheme, host=parts.hostname, port=port, path=path, address=str(addresses[0]))
