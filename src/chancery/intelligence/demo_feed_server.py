"""The demo's local RSS server: serves ``demo_data/feed.xml`` at ``/feed.xml`` on 127.0.0.1, with an ETag.

Run by ``chancery demo`` (``python -m chancery.intelligence.demo_feed_server --port 8091``) so that the worker
polls a real feed over HTTP, through the safe fetcher, with conditional GET. Serves nothing else.
"""

from __future__ import annotations

import argparse
import hashlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEED = Path(__file__).with_name("demo_data") / "feed.xml"


class FeedHandler(BaseHTTPRequestHandler):
    """Answer ``GET /feed.xml`` (304 when the ETag matches) and 404 for anything else."""

    def do_GET(self) -> None:
        """Serve the feed."""
        if self.path.split("?", 1)[0] != "/feed.xml":
            self.send_error(404)
            return
        body = FEED.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature http.server uses
        """Stay quiet."""


def main() -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the demo RSS fixture on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), FeedHandler).serve_forever()


if __name__ == "__main__":
    main()
