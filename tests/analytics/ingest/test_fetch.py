"""Safe fetching: SSRF refusals (after DNS, on redirects, pinned), caps, redirects, rate limits, TLS pinning."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest.fetch import (
    Allowlist,
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchPolicy,
    RateLimited,
    TokenBucket,
    TooLarge,
    address_is_public,
)

from .conftest import LocalServer, Seen, _handler


def _refused(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    return caught.value


# -- SSRF: private, loopback, link-local, reserved... refused unless allowlisted ---------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[ff02::1]/",
    ],
)
def test_private_and_special_addresses_are_refused_when_not_allowlisted(url: str) -> None:
    error = _refused(Fetcher(), url)
    assert isinstance(error, BlockedAddress)
    assert "not public" in error.reason


def test_the_check_is_made_on_the_resolved_address_not_the_name() -> None:
    fetcher = Fetcher(resolver=lambda host, port: ["10.0.0.5"])
    error = _refused(fetcher, "http://innocent.example/")
    assert isinstance(error, BlockedAddress)
    assert "10.0.0.5" in error.reason


def test_a_name_with_any_private_answer_is_refused() -> None:
    fetcher = Fetcher(resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    assert isinstance(_refused(fetcher, "http://mixed.example/"), BlockedAddress)


def test_localhost_by_name_is_refused_through_the_real_resolver() -> None:
    assert isinstance(_refused(Fetcher(), "http://localhost/"), BlockedAddress)


def test_unresolvable_names_and_other_schemes_are_errors() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror("no such name")

    assert "does not resolve" in _refused(Fetcher(resolver=fail), "http://nowhere.invalid/").reason
    assert "scheme" in _refused(Fetcher(), "file:///etc/passwd").reason
    assert "scheme" in _refused(Fetcher(), "gopher://127.0.0.1/").reason
    assert "credentials" in _refused(Fetcher(), "http://user:pw@example.org/").reason


def test_public_hosts_are_limited_to_web_ports() -> None:
    fetcher = Fetcher(resolver=lambda host, port: ["93.184.216.34"])
    error = _refused(fetcher, "http://example.org:6379/")
    assert isinstance(error, BlockedAddress)
    assert "port 6379" in error.reason


def test_allowlisted_loopback_is_fetched(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    local_server.route("/hello", "bonjour", Content_Type="text/plain; charset=utf-8")
    result = local_fetcher.fetch(local_server.url("/hello"))
    assert (result.status, result.content, result.charset, result.address) == (200, b"bonjour", "utf-8", "127.0.0.1")


def test_the_same_server_is_refused_without_the_allowlist(local_server: LocalServer) -> None:
    local_server.route("/hello", "bonjour")
    assert isinstance(_refused(Fetcher(), local_server.url("/hello")), BlockedAddress)
    assert local_server.requests == []


def test_redirect_to_a_private_address_is_refused(local_server: LocalServer) -> None:
    """The first hop is allowlisted (a stand-in for a public site); its redirect to 10.x / metadata is refused."""
    local_server.route("/jump", b"", status=302, Location="http://169.254.169.254/latest/meta-data/")
    local_server.route("/jump6", b"", status=301, Location="http://[::1]:1/")
    fetcher = Fetcher(FetchPolicy(allow=("news.test",)), resolver=lambda host, port: ["127.0.0.1"])
    for path in ("/jump", "/jump6"):
        error = _refused(fetcher, f"http://news.test:{local_server.port}{path}")
        assert isinstance(error, BlockedAddress)
    assert [seen.path for seen in local_server.requests] == ["/jump", "/jump6"]


def test_dns_rebinding_cannot_reach_a_private_address(local_server: LocalServer) -> None:
    """A name that first answers public then private: the redirect hop is resolved and checked again."""
    answers = iter([["127.0.0.1"], ["10.0.0.7"]])
    local_server.route("/a", b"", status=302, Location=f"http://rebind.test:{local_server.port}/b")
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.0/8",)), resolver=lambda host, port: next(answers))
    error = _refused(fetcher, f"http://rebind.test:{local_server.port}/a")
    assert isinstance(error, BlockedAddress)
    assert "10.0.0.7" in error.reason


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(local_server: LocalServer) -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    local_server.route("/", lambda seen: (200, {}, seen.headers["host"].encode()))
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",)), resolver=resolver)
    result = fetcher.fetch(f"http://pinned.test:{local_server.port}/")
    assert result.content == f"pinned.test:{local_server.port}".encode()
    assert calls == ["pinned.test"]  # resolved once, by us; httpx never resolved the name itself


def test_allowlist_by_host_name_and_wildcard(local_server: LocalServer) -> None:
    local_server.route("/", "ok")
    for entry in ("intranet.mofa.test", "*.mofa.test"):
        fetcher = Fetcher(FetchPolicy(allow=(entry,)), resolver=lambda host, port: ["127.0.0.1"])
        assert fetcher.fetch(f"http://intranet.mofa.test:{local_server.port}/").content == b"ok"
    other = Fetcher(FetchPolicy(allow=("*.mofa.test",)), resolver=lambda host, port: ["127.0.0.1"])
    assert isinstance(_refused(other, f"http://evilmofa.test:{local_server.port}/"), BlockedAddress)


def test_allowlist_rejects_garbage_entries() -> None:
    with pytest.raises(ValueError, match="not a host name or network"):
        Allowlist.parse(["10.0.0.0/33"])


# -- caps, redirects, errors ------------------------------------------------------------------------------


def test_declared_size_over_the_cap_is_refused(local_server: LocalServer) -> None:
    local_server.route("/big", b"x" * 5000)
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",), max_bytes=1000))
    error = _refused(fetcher, local_server.url("/big"))
    assert isinstance(error, TooLarge)
    assert "Content-Length" in error.reason


def test_streamed_size_over_the_cap_is_aborted(local_server: LocalServer) -> None:
    local_server.route("/stream", b"y" * 300_000, Transfer_Encoding="chunked")
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",), max_bytes=100_000))
    assert isinstance(_refused(fetcher, local_server.url("/stream")), TooLarge)


def test_a_gzip_bomb_is_stopped_at_the_cap(local_server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    local_server.route("/bomb", bomb, Content_Encoding="gzip")
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",), max_bytes=1_000_000))
    assert len(bomb) < 1_000_000
    assert isinstance(_refused(fetcher, local_server.url("/bomb")), TooLarge)


def test_gzip_bodies_are_decoded(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    local_server.route("/gz", gzip.compress("Xin chào".encode()), Content_Encoding="gzip")
    assert local_fetcher.fetch(local_server.url("/gz")).content == "Xin chào".encode()


def test_redirects_are_followed_up_to_the_limit(local_server: LocalServer) -> None:
    for hop in range(5):
        local_server.route(f"/r{hop}", b"", status=302, Location=f"/r{hop + 1}")
    local_server.route("/r5", "end")
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",), max_redirects=5, rate=1000, burst=1000))
    result = fetcher.fetch(local_server.url("/r0"))
    assert result.content == b"end"
    assert len(result.redirects) == 5
    short = Fetcher(FetchPolicy(allow=("127.0.0.1",), max_redirects=2, rate=1000, burst=1000))
    assert "more than 2 redirects" in _refused(short, local_server.url("/r0")).reason


def test_http_errors_raise_unless_accepted(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    assert "HTTP status 404" in _refused(local_fetcher, local_server.url("/missing")).reason
    assert local_fetcher.fetch(local_server.url("/missing"), accept_errors=True).status == 404


def test_a_silent_server_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        port = listener.getsockname()[1]
        fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",), timeout=0.2))
        assert "timed out" in _refused(fetcher, f"http://127.0.0.1:{port}/").reason
    finally:
        listener.close()


def test_conditional_headers_are_sent_and_304_is_reported(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    def etagged(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.headers.get("if-none-match") == '"v1"':
            return 304, {}, b""
        return 200, {"ETag": '"v1"'}, b"body"

    local_server.route("/feed", etagged)
    first = local_fetcher.fetch(local_server.url("/feed"))
    second = local_fetcher.fetch(local_server.url("/feed"), headers={"If-None-Match": first.headers["etag"]})
    assert (first.status, first.not_modified, second.not_modified, second.content) == (200, False, True, b"")


# -- rate limiting (a fake clock: no real waiting) --------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_token_bucket_allows_a_burst_then_paces_per_host() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire("a.example", max_wait=10) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 0.5]
    assert bucket.acquire("b.example", max_wait=10) == 0.0  # another host has its own bucket


def test_token_bucket_refuses_a_wait_past_the_limit() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=0.1, burst=1, clock=clock, sleep=clock.sleep)
    bucket.acquire("slow.example", max_wait=0)
    with pytest.raises(TimeoutError):
        bucket.acquire("slow.example", max_wait=5)
    assert clock.slept == []


def test_fetcher_applies_the_rate_limit(local_server: LocalServer) -> None:
    clock = FakeClock()
    local_server.route("/", "ok")
    fetcher = Fetcher(
        FetchPolicy(allow=("127.0.0.1",), rate=1.0, burst=1, max_rate_wait=0.5),
        clock=clock,
        sleep=clock.sleep,
    )
    fetcher.fetch(local_server.url("/"))
    assert isinstance(_refused(fetcher, local_server.url("/")), RateLimited)
    assert len(local_server.requests) == 1


# -- TLS: connecting to the pinned IP still verifies the certificate for the name (SNI) -----------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext, list[str | None]]]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("news.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    names: list[str | None] = []
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    server_context.sni_callback = lambda sock, server_name, context: names.append(server_name)
    local = LocalServer(port=0)
    local.route("/", "secure")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(local))
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1], ssl.create_default_context(cafile=str(cert_path)), names
    httpd.shutdown()
    httpd.server_close()


def test_https_to_a_pinned_address_sends_sni_and_checks_the_name(
    tls_server: tuple[int, ssl.SSLContext, list[str | None]],
) -> None:
    port, client_context, names = tls_server
    fetcher = Fetcher(FetchPolicy(allow=("127.0.0.1",)), resolver=lambda host, p: ["127.0.0.1"], verify=client_context)
    assert fetcher.fetch(f"https://news.test:{port}/").content == b"secure"
    assert names == ["news.test"]
    # The certificate names news.test only: another name pinned to the same address fails verification.
    assert "connection failed" in _refused(fetcher, f"https://other.test:{port}/").reason


# -- properties ---------------------------------------------------------------------------------------------

private_v4 = st.sampled_from(
    ["10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]
).flatmap(
    lambda net: st.integers(0, ipaddress.IPv4Network(net).num_addresses - 1).map(
        lambda i: ipaddress.IPv4Network(net)[i]
    )
)


@settings(max_examples=100, deadline=None)
@given(private_v4)
def test_private_ipv4_is_never_public_in_any_ipv6_wrapping(address: ipaddress.IPv4Address) -> None:
    assert not address_is_public(address)
    assert not address_is_public(ipaddress.IPv6Address(f"::ffff:{address}"))
    assert not address_is_public(ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80)))  # 6to4
    assert not address_is_public(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address)))


@settings(max_examples=100, deadline=None)
@given(st.ip_addresses())
def test_public_means_global_unicast(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    if address_is_public(address):
        assert address.is_global
        assert not (address.is_private)
        assert not (address.is_loopback)
        assert not (address.is_link_local)
        assert not (address.is_multicast)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_check_url_never_fails_other_than_with_a_fetch_error(url: str) -> None:
    fetcher = Fetcher(resolver=lambda host, port: ["10.0.0.1"])
    try:
        fetcher.check_url(url)
    except FetchError:
        pass
    else:  # pragma: no cover - every resolved address is private here
        pytest.fail("a private address was accepted")
