"""A local stand-in for HashiCorp Vault's Transit engine and AppRole login, speaking Vault's HTTP API over TLS.

Implements what Chancery's Transit KEK back-end uses: ``auth/approle/login``, ``<mount>/keys/<name>`` (read,
create), ``…/rotate``, ``…/config`` (``min_decryption_version``), ``<mount>/encrypt|decrypt|rewrap/<name>``
with derived keys (a per-context key from HKDF over the version's key; AES-256-GCM; ciphertexts
``vault:v<N>:base64(nonce‖ciphertext)``), and Vault's error shape ``{"errors": […]}``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.security.tls_fakes import LocalPKI


@dataclass
class TransitKey:
    """One named key: its versions' material, creation times and the lowest version that still decrypts."""

    derived: bool
    versions: dict[int, bytes] = field(default_factory=dict)
    created: dict[int, int] = field(default_factory=dict)
    min_decryption_version: int = 1

    def add_version(self) -> None:
        version = len(self.versions) + 1
        self.versions[version] = secrets.token_bytes(32)
        self.created[version] = int(time.time())

    @property
    def latest(self) -> int:
        return max(self.versions)


@dataclass
class VaultState:
    """The fake's state, and what clients asked of it."""

    root_token: str = "root-token"
    role_id: str = "chancery-role"
    secret_id: str = "chancery-secret"
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (monotonic)
    keys: dict[str, TransitKey] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    logins: int = 0
    token_ttl: float = 3600.0
    port: int = 0

    def expire_tokens(self) -> None:
        """Make every AppRole token expire now."""
        self.tokens = dict.fromkeys(self.tokens, 0.0)


class VaultError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _derive(key: bytes, context_b64: str | None, *, derived: bool) -> bytes:
    if not derived:
        return key
    if not context_b64:
        raise VaultError(400, "missing 'context' for key derivation; the key was created using a derived key")
    context = base64.b64decode(context_b64)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=context).derive(key)


def _encrypt(key: TransitKey, plaintext_b64: str, context_b64: str | None, version: int | None = None) -> str:
    version = version or key.latest
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_derive(key.versions[version], context_b64, derived=key.derived)).encrypt(
        nonce, base64.b64decode(plaintext_b64), None
    )
    return f"vault:v{version}:" + base64.b64encode(nonce + sealed).decode()


def _decrypt(key: TransitKey, ciphertext: str, context_b64: str | None) -> bytes:
    try:
        prefix, version_text, body = ciphertext.split(":", 2)
        version = int(version_text.removeprefix("v"))
        raw = base64.b64decode(body, validate=True)
    except ValueError:
        raise VaultError(400, "invalid ciphertext: no prefix") from None
    if prefix != "vault" or version not in key.versions:
        raise VaultError(400, "invalid ciphertext: no prefix")
    if version < key.min_decryption_version:
        raise VaultError(400, "ciphertext or signature version is disallowed by policy (too old)")
    try:
        return AESGCM(_derive(key.versions[version], context_b64, derived=key.derived)).decrypt(
            raw[:12], raw[12:], None
        )
    except InvalidTag:
        raise VaultError(400, "cipher: message authentication failed") from None


def _handler(state: VaultState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            token = self.headers.get("X-Vault-Token", "")
            if token == state.root_token:
                return True
            return state.tokens.get(token, 0.0) > time.monotonic()

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length", "0") or 0)
            return json.loads(self.rfile.read(length)) if length else {}

        def _key(self, name: str) -> TransitKey:
            if name not in state.keys:
                raise VaultError(404, f"no existing key named {name} could be found")
            return state.keys[name]

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PUT(self) -> None:
            self._route("POST")

        def _route(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            state.calls.append(f"{method} {path}")
            try:
                body = self._body() if method == "POST" else {}
                if path == "/v1/auth/approle/login" and method == "POST":
                    if (body.get("role_id"), body.get("secret_id")) != (state.role_id, state.secret_id):
                        raise VaultError(400, "invalid role or secret ID")
                    token = "hvs." + secrets.token_urlsafe(18)
                    state.tokens[token] = time.monotonic() + state.token_ttl
                    state.logins += 1
                    self._answer(200, {"auth": {"client_token": token, "lease_duration": int(state.token_ttl)}})
                    return
                if not self._authorised():
                    raise VaultError(403, "permission denied")
                parts = path.removeprefix("/v1/").split("/")
                if len(parts) < 3:
                    raise VaultError(404, "unsupported path")
                _mount, operation, name, *rest = parts
                self._transit(method, operation, name, rest, body)
            except VaultError as error:
                self._answer(error.status, {"errors": [error.message]})

        def _transit(self, method: str, operation: str, name: str, rest: list[str], body: dict[str, Any]) -> None:
            if operation == "keys" and not rest and method == "GET":
                key = self._key(name)
                self._answer(
                    200,
                    {
                        "data": {
                            "name": name,
                            "type": "aes256-gcm96",
                            "derived": key.derived,
                            "keys": {str(v): key.created[v] for v in key.versions},
                            "latest_version": key.latest,
                            "min_decryption_version": key.min_decryption_version,
                            "min_encryption_version": 0,
                        }
                    },
                )
            elif operation == "keys" and not rest:
                if name not in state.keys:
                    state.keys[name] = TransitKey(derived=bool(body.get("derived")))
                    state.keys[name].add_version()
                self._answer(204)
            elif operation == "keys" and rest == ["rotate"]:
                self._key(name).add_version()
                self._answer(204)
            elif operation == "keys" and rest == ["config"]:
                key = self._key(name)
                wanted = int(body.get("min_decryption_version", key.min_decryption_version))
                if wanted > key.latest:
                    raise VaultError(400, "cannot set min decryption version greater than latest version")
                key.min_decryption_version = max(wanted, 1)
                self._answer(204)
            elif operation == "encrypt":
                key = self._key(name)
                ciphertext = _encrypt(key, body["plaintext"], body.get("context"))
                self._answer(200, {"data": {"ciphertext": ciphertext, "key_version": key.latest}})
            elif operation == "decrypt":
                plaintext = _decrypt(self._key(name), body["ciphertext"], body.get("context"))
                self._answer(200, {"data": {"plaintext": base64.b64encode(plaintext).decode()}})
            elif operation == "rewrap":
                key = self._key(name)
                plaintext = _decrypt(key, body["ciphertext"], body.get("context"))
                ciphertext = _encrypt(key, base64.b64encode(plaintext).decode(), body.get("context"))
                self._answer(200, {"data": {"ciphertext": ciphertext, "key_version": key.latest}})
            else:
                raise VaultError(404, "unsupported path")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the test output
            return

    return Handler


@contextmanager
def fake_vault(pki: LocalPKI) -> Iterator[VaultState]:
    """Serve the fake Vault over HTTPS on a free loopback port; yield its state (``port`` set)."""
    state = VaultState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    server.socket = pki.server_context().wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
