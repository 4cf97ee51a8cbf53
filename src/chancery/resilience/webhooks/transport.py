"""Sending one signed request to a checked endpoint: the only place webhooks touch the network.

:class:`PinnedTransport` dials the address :func:`~chancery.resilience.webhooks.ssrf.endpoint_check`
approved (TLS still verifies the host name), never follows redirects, and gives up after
``WEBHOOK_TIMEOUT_SECONDS`` for connecting and for each read. Tests use it against a local server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import urllib3
from django.conf import settings

from chancery.platform.tls import client_ssl_context
from chancery.resilience.webhooks.ssrf import Endpoint

MAX_RESPONSE_BYTES = 4096


class TransportError(Exception):
    """The request could not be completed (refused, timed out, TLS failure...); the text says which."""


@dataclass(frozen=True, slots=True)
class Response:
    """What a delivery records of the endpoint's answer: its status and, for redirects, that it was one."""

    status: int
    location: str = ""


class Transport(Protocol):
    """Posts ``body`` with ``headers`` to ``endpoint`` and returns the answer's status."""

    def post(self, endpoint: Endpoint, *, headers: dict[str, str], body: bytes) -> Response:
        """Send the request; raise :class:`TransportError` when no answer came."""
        ...


class PinnedTransport:
    """urllib3 connection to the checked address, Host and SNI set to the endpoint's host name."""

    def post(self, endpoint: Endpoint, *, headers: dict[str, str], body: bytes) -> Response:
        """Send the request (no redirects, no retries, bounded time and response size)."""
        timeout = urllib3.Timeout(connect=settings.WEBHOOK_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS)
        pool: urllib3.HTTPConnectionPool
        if endpoint.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                endpoint.address,
                endpoint.port,
                timeout=timeout,
                retries=False,
                server_hostname=endpoint.host,
                assert_hostname=endpoint.host,
                ssl_context=client_ssl_context(),  # system roots + CHANCERY_CA_BUNDLE
            )
        else:
            pool = urllib3.HTTPConnectionPool(endpoint.address, endpoint.port, timeout=timeout, retries=False)
        host = endpoint.host if endpoint.port in {80, 443} else f"{endpoint.host}:{endpoint.port}"
        try:
            with pool:
                answer = pool.urlopen(
                    "POST",
                    endpoint.path,
                    body=body,
                    headers={**headers, "host": host, "user-agent": "Chancery-Webhooks/1"},
                    redirect=False,
                    preload_content=False,
                    assert_same_host=False,
                )
                answer.read(MAX_RESPONSE_BYTES)
                answer.release_conn()
                return Response(status=answer.status, location=answer.headers.get("location", ""))
        except urllib3.exceptions.TimeoutError:
            raise TransportError("timed out") from None
        except urllib3.exceptions.HTTPError as error:
            raise TransportError(type(error).__name__) from None


_transport: Transport = PinnedTransport()


def transport() -> Transport:
    """Return the transport deliveries use."""
    return _transport
