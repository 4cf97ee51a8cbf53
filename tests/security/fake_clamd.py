"""A local stand-in for clamd speaking its real protocol (``zINSTREAM``, ``zPING``) on TCP or a Unix socket.

It "detects" the EICAR test file the way ClamAV does (answering ``stream: Eicar-Test-Signature FOUND``),
answers ``INSTREAM size limit exceeded. ERROR`` past ``max_stream`` bytes, and records what it scanned.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass
class ClamdState:
    """What the fake has seen, and how it should behave."""

    max_stream: int = 25 * 1024 * 1024
    scanned: list[bytes] = field(default_factory=list)
    answer_garbage: bool = False


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        piece = sock.recv(size - len(data))
        if not piece:
            raise ConnectionError
        data += piece
    return data


def _command(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\0"):
        data += _read_exact(sock, 1)
    return data[:-1]


def _handler(state: ClamdState) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            command = _command(sock)
            if command == b"zPING":
                sock.sendall(b"PONG\0")
                return
            if command != b"zINSTREAM":
                sock.sendall(b"UNKNOWN COMMAND\0")
                return
            received = b""
            while True:
                (length,) = struct.unpack("!L", _read_exact(sock, 4))
                if length == 0:
                    break
                received += _read_exact(sock, length)
                if len(received) > state.max_stream:
                    sock.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                    return
            state.scanned.append(received)
            if state.answer_garbage:
                sock.sendall(b"\xff\xfe nonsense\0")
            elif EICAR in received:
                sock.sendall(b"stream: Eicar-Test-Signature FOUND\0")
            else:
                sock.sendall(b"stream: OK\0")

    return Handler


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


@contextmanager
def fake_clamd(*, unix_path: Path | None = None) -> Iterator[tuple[str, ClamdState]]:
    """Serve a fake clamd on a free loopback port (or ``unix_path``); yield its URL and state."""
    state = ClamdState()
    server: socketserver.BaseServer
    if unix_path is not None:
        server = _UnixServer(str(unix_path), _handler(state))
        url = f"unix://{unix_path}"
    else:
        server = _TCPServer(("127.0.0.1", 0), _handler(state))
        url = f"tcp://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, state
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """Return a tcp:// URL on which nothing listens (a port bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"
