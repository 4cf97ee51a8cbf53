"""A local HTTP server that speaks real HTTP to the webhook transport: records requests, answers as told."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One request the fake endpoint got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    """How the fake answers: a status, an optional Location (redirects) and a delay before answering."""

    status: int = 204
    location: str = ""
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)


@contextmanager
def fake_endpoint(behaviour: Behaviour) -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port) while the block runs; yield the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            behaviour.received.append(
                Received(path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            )
            if behaviour.delay:
                time.sleep(behaviour.delay)
            try:
                self.send_response(behaviour.status)
                if behaviour.location:
                    self.send_header("Location", behaviour.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
