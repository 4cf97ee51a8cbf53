"""Safe fetching over HTTP(S): no private addresses, bounded time, size, redirects and rate.

Every hop (the first request and each redirect) is resolved once, every resolved address is checked, and the
connection goes to that checked address (the URL's host kept in ``Host`` and in TLS SNI and certificate checks),
so a DNS answer that changes between check and connect (DNS rebinding) cannot reach an internal service.
Loopback, private, link-local, shared, multicast, reserved and unspecified addresses — IPv4 and IPv6, including
IPv4-mapped, 6to4, Teredo and NAT64 forms — are refused unless the administrator allowlists the host or network.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_USER_AGENT = "Chancery-ingest/1.0 (+https://example.invalid/chancery)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that was refused or failed; ``reason`` says why in words fit for a rejection report."""

    def __init__(self, reason: str, *, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.url = url


class BlockedAddress(FetchError):
    """The host resolved to an address that is not public and is not allowlisted."""


class TooLarge(FetchError):
    """The response body exceeded the size cap."""


class RateLimited(FetchError):
    """The host's token bucket stayed empty for longer than the caller is willing to wait."""


def _system_resolver(host: str, port: int) -> Sequence[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_is_public(address: IPAddress) -> bool:
    """True when ``address`` is globally routable unicast (and so is any IPv4 address embedded in it).

    Needs nothing; emits nothing.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not address_is_public(embedded):
            return False
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_private
        and not address.is_unspecified
    )


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Hosts and networks an administrator allows even though they are not public.

    Entries are host names (``intranet.example``), wildcard suffixes (``*.mofa.gov.vn``), addresses or networks
    in CIDR form (``10.20.0.0/16``, ``::1``). An allowlisted host or network may also use any port.
    """

    hosts: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """Build an allowlist from text entries; raises ``ValueError`` naming an entry that is none of the forms."""
        hosts: set[str] = set()
        suffixes: list[str] = []
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower().strip("[]")
            if not entry:
                continue
            if entry.startswith("*."):
                suffixes.append(entry[1:])
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if "/" in entry or ":" in entry or " " in entry:
                    raise ValueError(f"not a host name or network: {raw!r}") from None
                hosts.add(entry.rstrip("."))
        return cls(hosts=frozenset(hosts), suffixes=tuple(suffixes), networks=tuple(networks))

    def allows_host(self, host: str) -> bool:
        """True when the host name itself is allowlisted (exactly or by a wildcard suffix)."""
        name = host.lower().rstrip(".")
        return name in self.hosts or any(name.endswith(suffix) for suffix in self.suffixes)

    def allows_address(self, address: IPAddress) -> bool:
        """True when the address lies in an allowlisted network (IPv4-mapped IPv6 matches IPv4 networks)."""
        candidates: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(candidate in network for candidate in candidates for network in self.networks)


class TokenBucket:
    """Per-host token buckets: ``rate`` requests a second on average, bursts of up to ``burst``.

    ``clock`` and ``sleep`` are injectable so tests need no real waiting.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}  # host -> (tokens, last refill time)

    def _wait_needed(self, host: str) -> float:
        now = self._clock()
        tokens, last = self._state.get(host, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._state[host] = (tokens - 1.0, now)
            return 0.0
        self._state[host] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def acquire(self, host: str, *, max_wait: float) -> float:
        """Take a token for ``host``, sleeping until one is free; returns the seconds waited.

        Raises ``TimeoutError`` when the wait would exceed ``max_wait`` (no token is taken then).
        """
        waited = 0.0
        while True:
            with self._lock:
                wait = self._wait_needed(host)
            if wait == 0.0:
                return waited
            if waited + wait > max_wait:
                raise TimeoutError(f"rate limit for {host}: next request in {wait:.1f}s")
            self._sleep(wait)
            waited += wait


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for a :class:`Fetcher`; the defaults suit polling public news sites.

    ``allow`` lists hosts/networks an administrator allows although private; ``ports`` are the ports allowed
    for hosts that are not allowlisted; ``timeout`` bounds each connect/read, ``total_timeout`` the whole fetch
    including redirects; ``max_bytes`` caps the (decompressed) body; ``rate`` and ``burst`` set each host's
    token bucket, and ``max_rate_wait`` how long to wait for a token before giving up.
    """

    allow: tuple[str, ...] = ()
    ports: frozenset[int] = frozenset({80, 443})
    timeout: float = 10.0
    total_timeout: float = 60.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    rate: float = 1.0
    burst: int = 5
    max_rate_wait: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched response: the final URL, status, headers (lower-case names), body and the redirects taken."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    redirects: tuple[str, ...] = ()
    address: str = ""

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case ("" when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        value = message.get_param("charset")
        return value.strip() if isinstance(value, str) and value.strip() else None


def _url_parts(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an http(s) URL; raises :class:`FetchError` for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("malformed URL", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError(f"scheme {scheme or '(none)'!r} not allowed", url=url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("URL has no host", url=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError("credentials in URL not allowed", url=url)
    return scheme, host, port or (443 if scheme == "https" else 80)


@dataclass(slots=True)
class _Hop:
    url: str
    host: str
    port: int
    scheme: str
    address: str
    extra_headers: dict[str, str] = field(default_factory=dict)


class Fetcher:
    """Fetch URLs safely (see the module docstring); one instance is shared by the connectors of a run.

    ``resolver`` (host, port) -> addresses and ``verify`` (an ``ssl.SSLContext`` or True) are injectable for
    tests; ``clock``/``sleep`` drive the rate limiter. Needs network access only to the hosts it is asked for;
    emits nothing but the HTTP requests.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver | None = None,
        verify: ssl.SSLContext | bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.allowlist = Allowlist.parse(self.policy.allow)
        self._resolve = resolver or _system_resolver
        self._verify = verify
        self._clock = clock
        self.bucket = TokenBucket(rate=self.policy.rate, burst=self.policy.burst, clock=clock, sleep=sleep)

    # -- checks --------------------------------------------------------------------------------------------

    def check_url(self, url: str) -> _Hop:
        """Resolve and vet ``url``: scheme, port, every resolved address; raise :class:`FetchError` if refused.

        Returns the hop to connect to (the first resolved address, every one of them having been checked).
        """
        scheme, host, port = _url_parts(url)
        host_allowed = self.allowlist.allows_host(host)
        checked: list[str] = []
        for address in self._addresses(host, port, url):
            if not (host_allowed or self.allowlist.allows_address(address)):
                if not address_is_public(address):
                    raise BlockedAddress(f"address {address} is not public and not allowlisted", url=url)
                if port not in self.policy.ports:
                    raise BlockedAddress(f"port {port} not allowed", url=url)
            checked.append(str(address))
        return _Hop(url=url, host=host, port=port, scheme=scheme, address=checked[0])

    def _addresses(self, host: str, port: int, url: str) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        try:
            answers = self._resolve(host, port)
        except (OSError, UnicodeError):
            raise FetchError("host name does not resolve", url=url) from None
        if not answers:
            raise FetchError("host name does not resolve", url=url)
        try:
            return [ipaddress.ip_address(text.split("%", 1)[0]) for text in answers]
        except ValueError:
            raise FetchError("resolver returned a malformed address", url=url) from None

    # -- fetching ------------------------------------------------------------------------------------------

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None, accept_errors: bool = False) -> FetchResult:
        """GET ``url`` under the policy, following at most ``max_redirects`` redirects (each one re-checked).

        ``headers`` are sent on every hop (e.g. If-None-Match / If-Modified-Since for a conditional GET).
        Raises :class:`FetchError` (or :class:`BlockedAddress`, :class:`TooLarge`, :class:`RateLimited`) when
        refused or failed; an HTTP status >= 400 is an error unless ``accept_errors``.
        """
        deadline = self._clock() + self.policy.total_timeout
        redirects: list[str] = []
        current = url
        with self._client() as client:
            while True:
                hop = self.check_url(current)
                try:
                    self.bucket.acquire(hop.host, max_wait=min(self.policy.max_rate_wait, deadline - self._clock()))
                except TimeoutError as error:
                    raise RateLimited(str(error), url=current) from None
                status, response_headers, body = self._get(client, hop, headers or {}, deadline)
                location = response_headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    if len(redirects) >= self.policy.max_redirects:
                        raise FetchError(f"more than {self.policy.max_redirects} redirects", url=url)
                    redirects.append(current)
                    current = urljoin(current, location.strip())
                    continue
                if status >= 400 and not accept_errors:
                    raise FetchError(f"HTTP status {status}", url=current)
                return FetchResult(
                    url=current,
                    status=status,
                    headers=response_headers,
                    content=body,
                    redirects=tuple(redirects),
                    address=hop.address,
                )

    def _client(self) -> httpx.Client:
        timeout = httpx.Timeout(self.policy.timeout)
        return httpx.Client(
            timeout=timeout,
            verify=self._verify,
            trust_env=False,  # an environment proxy would resolve names itself and defeat the pinning
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def _get(
        self, client: httpx.Client, hop: _Hop, headers: Mapping[str, str], deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(hop.url)
        ip_host = f"[{hop.address}]" if ":" in hop.address else hop.address
        pinned = parts._replace(netloc=f"{ip_host}:{hop.port}").geturl()
        default_port = 443 if hop.scheme == "https" else 80
        host_header = hop.host if hop.port == default_port else f"{hop.host}:{hop.port}"
        if ":" in hop.host and hop.port == default_port:
            host_header = f"[{hop.host}]"
        elif ":" in hop.host:
            host_header = f"[{hop.host}]:{hop.port}"
        request_headers = {
            "User-Agent": self.policy.user_agent,
            "Accept-Encoding": "gzip, deflate",
            **dict(headers),
            "Host": host_header,
        }
        extensions = {"sni_hostname": hop.host} if hop.scheme == "https" else {}
        request = client.build_request("GET", pinned, headers=request_headers, extensions=extensions)
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError("timed out", url=hop.url) from None
        except httpx.HTTPError as error:
            raise FetchError(f"connection failed ({error.__class__.__name__})", url=hop.url) from None
        try:
            response_headers = {name.lower(): value for name, value in response.headers.items()}
            if response.status_code in REDIRECT_STATUSES or response.status_code == 304:
                return response.status_code, response_headers, b""
            body = self._read_capped(response, hop.url, deadline)
        except httpx.TimeoutException:
            raise FetchError("timed out", url=hop.url) from None
        except httpx.HTTPError as error:
            raise FetchError(f"connection failed ({error.__class__.__name__})", url=hop.url) from None
        finally:
            response.close()
        return response.status_code, response_headers, body

    def _read_capped(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"body larger than {cap} bytes (Content-Length {declared})", url=url)
        decoder = _decoder(response.headers.get("content-encoding", "identity"), url)
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            if self._clock() > deadline:
                raise FetchError("timed out (total time)", url=url)
            for piece in _pieces(raw, decoder, room=cap - size + 1, url=url):
                size += len(piece)
                if size > cap:
                    raise TooLarge(f"body larger than {cap} bytes", url=url)
                chunks.append(piece)
        return b"".join(chunks)


def _decoder(content_encoding: str, url: str) -> Any:
    """A zlib decompressor for gzip/deflate bodies, None for identity; refuses other encodings."""
    encoding = content_encoding.strip().lower()
    if encoding in {"", "identity"}:
        return None
    if encoding in {"gzip", "x-gzip"}:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"content encoding {encoding!r} not supported", url=url)


def _pieces(raw: bytes, decoder: Any, *, room: int, url: str) -> Iterator[bytes]:
    """Decoded pieces of one raw chunk, never inflating more than ``room`` bytes past what was asked (bomb-safe)."""
    if decoder is None:
        yield raw
        return
    pending = raw
    while pending and room > 0:
        try:
            piece = decoder.decompress(pending, room)
        except zlib.error:
            raise FetchError("corrupt compressed body", url=url) from None
        room -= len(piece)
        yield piece
        pending = decoder.unconsumed_tail
