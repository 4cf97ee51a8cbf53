"""A C2SP tlog-witness server a partner ministry can run: its own key, its own state, plain HTTP.

Pure Python (no Django, no database): state lives in one directory, one JSON file per log origin,
replaced atomically (temporary file, fsync, rename) under an exclusive lock, so "check the old size,
then persist" is atomic across threads and processes (tlog-witness §add-checkpoint).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .checkpoint import CosignatureSigner
from .hybrid import verifier_from_vkey
from .note import NoteVerifier
from .witness import MAX_REQUEST_BYTES, Witness, WitnessState, WitnessStateStore

KEY_FILE = "witness-ed25519.skey"


class FileWitnessStateStore(WitnessStateStore):
    """Per-origin witness state in ``<directory>/state/``; compare-and-swap under ``flock``."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory / "state"
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock_path = self._dir / ".lock"
        self._thread_lock = threading.Lock()

    def _path(self, origin: str) -> Path:
        return self._dir / (hashlib.sha256(origin.encode("utf-8")).hexdigest() + ".json")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock, self._lock_path.open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _read(self, origin: str) -> WitnessState | None:
        path = self._path(origin)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return WitnessState(size=int(data["size"]), root_hash=base64.b64decode(data["root_hash"]))

    def load(self, origin: str) -> WitnessState | None:
        """Return the latest cosigned state for ``origin`` (None if never cosigned)."""
        with self._locked():
            return self._read(origin)

    def compare_and_swap(self, origin: str, old: WitnessState | None, new: WitnessState) -> bool:
        """Replace ``old`` by ``new`` atomically and durably; False if the state moved meanwhile."""
        with self._locked():
            if self._read(origin) != old:
                return False
            path = self._path(origin)
            temporary = path.with_suffix(".tmp")
            body = {"origin": origin, "size": new.size, "root_hash": base64.b64encode(new.root_hash).decode()}
            with temporary.open("w", encoding="utf-8") as handle:
                json.dump(body, handle)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(path)
            directory = os.open(self._dir, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            return True


def witness_signer(directory: Path, name: str) -> CosignatureSigner:
    """Load the witness's cosigning key from ``directory``, generating it (0600) on first use."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        signer = CosignatureSigner.from_skey(path.read_text(encoding="utf-8").strip())
        if signer.name != name:
            msg = f"the key in {path} is named {signer.name!r}, not {name!r}"
            raise ValueError(msg) from None
        return signer
    signer = CosignatureSigner.generate(name)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(signer.skey + "\n")
    return signer


def trusted_logs(vkeys: Sequence[str]) -> dict[str, list[NoteVerifier]]:
    """Group log verifier keys by origin (a log's key name is its origin)."""
    logs: dict[str, list[NoteVerifier]] = {}
    for vkey in vkeys:
        verifier = verifier_from_vkey(vkey.strip())
        logs.setdefault(verifier.name, []).append(verifier)
    return logs


def make_server(host: str, port: int, witness: Witness, vkey: str) -> ThreadingHTTPServer:
    """Return an HTTP server answering ``POST /add-checkpoint`` (and ``GET /vkey``) for ``witness``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "chancery-witness"

        def _reply(self, status: int, body: str, content_type: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/vkey":
                self._reply(200, vkey + "\n", "text/plain; charset=utf-8")
            else:
                self._reply(404, "not found\n", "text/plain; charset=utf-8")

        def do_POST(self) -> None:
            if self.path != "/add-checkpoint":
                self._reply(404, "not found\n", "text/plain; charset=utf-8")
                return
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._reply(411, "Content-Length required\n", "text/plain; charset=utf-8")
                return
            if not 0 <= length <= MAX_REQUEST_BYTES:
                self._reply(413, "request body too large\n", "text/plain; charset=utf-8")
                return
            outcome = witness.add_checkpoint(self.rfile.read(length))
            self._reply(outcome.status, outcome.body, outcome.content_type)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            return  # requests carry no secrets, but keep the partner's console quiet

    return ThreadingHTTPServer((host, port), Handler)


def serve(
    *,
    directory: Path,
    name: str,
    log_vkeys: Sequence[str],
    host: str,
    port: int,
) -> None:
    """Run the witness until interrupted. Prints the witness's vkey so the log can add it to its policy."""
    signer = witness_signer(directory, name)
    witness = Witness([signer], trusted_logs(log_vkeys), FileWitnessStateStore(directory))
    server = make_server(host, port, witness, signer.vkey)
    print(f"witness {name} listening on http://{host}:{server.server_address[1]}/", flush=True)
    print(f"vkey {signer.vkey}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
