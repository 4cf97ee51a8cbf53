"""TLS for Chancery's outbound connections: one place that builds the client trust store.

Every outbound client (the intelligence fetcher, witnesses, outreach connectors, webhooks, partner TAXII
feeds, SMTP and Redis) verifies the server's certificate and host name. ``CHANCERY_CA_BUNDLE`` names a PEM
file of the ministry's internal certificate authorities; when set, it is trusted *in addition to* the
system's public roots, so internal services with internally issued certificates verify while public news
sites and social platforms still do. Certificate verification is never switched off here.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})
logger = logging.getLogger(__name__)


def ca_bundle() -> str:
    """Return the path of the internal CA bundle (``CHANCERY_CA_BUNDLE``), or "" when none is configured."""
    return str(getattr(settings, "CA_BUNDLE", "") or "")


def client_ssl_context() -> ssl.SSLContext:
    """Return a new client context: system roots plus ``CHANCERY_CA_BUNDLE``, certificates and names verified.

    A new context each call, because some clients (urllib3) adjust the context they are given. A bundle
    that cannot be loaded (missing, not PEM) is logged as a warning and left out: verification stays on,
    so internal hosts then fail their TLS handshake, a connection error every caller already handles;
    ``chancery check`` fails on it. Emits that warning only.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    bundle = ca_bundle()
    if bundle:
        try:
            context.load_verify_locations(cafile=bundle)
        except (OSError, ssl.SSLError) as error:
            logger.warning(
                "CHANCERY_CA_BUNDLE could not be loaded (%s); trusting the system roots only", type(error).__name__
            )
    return context


def redis_tls_options(url: str) -> dict[str, Any]:
    """Extra redis-py connection options for ``url``: the CA bundle for ``rediss://``, nothing for ``redis://``.

    redis-py verifies ``rediss://`` certificates by default (``ssl_cert_reqs="required"``); this only adds
    the internal CA. Needs nothing; emits nothing.
    """
    bundle = ca_bundle()
    if bundle and urlsplit(url).scheme.lower() == "rediss":
        return {"ssl_ca_certs": bundle}
    return {}


def host_is_loopback(host: str) -> bool:
    """True when ``host`` names this machine (traffic never leaves it, so TLS adds nothing)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    return name in LOOPBACK_HOSTS or name.startswith("127.")


class VerifiedSmtpBackend(EmailBackend):
    """Django's SMTP backend whose STARTTLS/SMTPS context also trusts ``CHANCERY_CA_BUNDLE``.

    The host name and certificate of the relay are verified as with the stock backend; a client
    certificate (``ssl_certfile``/``ssl_keyfile``) is presented when configured.
    """

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """The client context of :func:`client_ssl_context`, with the client certificate when configured."""
        context = client_ssl_context()
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context


def bundle_problem() -> str:
    """Describe what is wrong with ``CHANCERY_CA_BUNDLE`` ("" when it is unset or a readable PEM bundle)."""
    bundle = ca_bundle()
    if not bundle:
        return ""
    if not Path(bundle).is_file():
        return f"CHANCERY_CA_BUNDLE names no file ({bundle})"
    try:
        ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as error:
        return f"CHANCERY_CA_BUNDLE is not a PEM certificate bundle ({type(error).__name__})"
    return ""
