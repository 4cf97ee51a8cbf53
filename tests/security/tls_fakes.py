"""A test certificate authority (made with ``cryptography``) and local TLS collectors for audit shipping:
a syslog-over-TLS receiver parsing RFC 5425 octet-counted frames and an HTTPS JSON receiver."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class LocalPKI:
    """A CA certificate file and a server certificate and key for one host name, signed by it."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        """Return a server-side TLS context presenting the server certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_pki(directory: Path, *, common_name: str = "Chancery test CA", hostname: str = "localhost") -> LocalPKI:
    """Create a throw-away CA named ``common_name`` and, under ``directory``, a server certificate it issued.

    The server certificate names ``hostname`` (its subject and a DNS SAN). The default, ``localhost``, also
    names 127.0.0.1 (an IP SAN) for clients that connect to the loopback address; another name stands alone,
    so that a client checking the address it connects to instead of the name fails.
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(tz=UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    loopback = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))] if hostname == "localhost" else []
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname), *loopback]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = LocalPKI(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    pki.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return pki


def parse_octet_frames(stream: bytes) -> list[bytes]:
    """Split an RFC 5425 stream (``MSG-LEN SP SYSLOG-MSG``…) into messages; raise ValueError if malformed."""
    messages: list[bytes] = []
    position = 0
    while position < len(stream):
        space = stream.index(b" ", position)
        length_text = stream[position:space]
        if not length_text.isdigit() or length_text.startswith(b"0"):
            msg = f"bad MSG-LEN {length_text!r}"
            raise ValueError(msg)
        length = int(length_text)
        start = space + 1
        if start + length > len(stream):
            msg = "truncated frame"
            raise ValueError(msg)
        messages.append(stream[start : start + length])
        position = start + length
    return messages


@dataclass
class SyslogCollector:
    """What the syslog receiver got: one list of messages per connection."""

    port: int = 0
    connections: list[list[bytes]] = field(default_factory=list)

    @property
    def messages(self) -> list[bytes]:
        """Every message received, in order."""
        return [message for connection in self.connections for message in connection]


@contextmanager
def syslog_tls_collector(pki: LocalPKI) -> Iterator[SyslogCollector]:
    """Serve syslog over TLS on a free loopback port until the block ends."""
    collector = SyslogCollector()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    collector.port = listener.getsockname()[1]
    context = pki.server_context()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                raw.settimeout(5)
                with context.wrap_socket(raw, server_side=True) as tls:
                    data = b""
                    while True:
                        try:
                            piece = tls.recv(65536)
                        except ssl.SSLZeroReturnError:
                            break
                        if not piece:
                            break
                        data += piece
                    collector.connections.append(parse_octet_frames(data))
                    with contextlib.suppress(OSError, ssl.SSLError):
                        tls.unwrap()
            except (OSError, ssl.SSLError):
                raw.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@dataclass
class HttpsCollector:
    """What the HTTPS receiver got, and the status it answers with."""

    port: int = 0
    status: int = 200
    batches: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)


@contextmanager
def https_collector(pki: LocalPKI) -> Iterator[HttpsCollector]:
    """Serve an HTTPS JSON collector on a free loopback port until the block ends."""
    collector = HttpsCollector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            collector.authorizations.append(self.headers.get("Authorization", ""))
            if collector.status < 300:
                collector.batches.append(json.loads(body))
            self.send_response(collector.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = pki.server_context().wrap_socket(server.socket, server_side=True)
    collector.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        server.shutdown()
        server.server_close()
