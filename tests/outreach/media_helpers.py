"""Helpers for the media, thread and card tests: images made with Pillow, vault uploads, a local web page."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.vault import services as vault_services
from chancery.vault.models import Document

GPS_LATITUDE = 21.0285  # Hanoi


def jpeg_with_gps(width: int = 64, height: int = 48, *, orientation: int = 1) -> bytes:
    """Return a JPEG whose EXIF carries a GPS position, a camera make and an orientation."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (21.0, 1.0, 42.6)
    gps[3] = "E"
    gps[4] = (105.0, 51.0, 14.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at the residence")
    return out.getvalue()


def png_with_text() -> bytes:
    """Return a PNG carrying a text chunk (metadata that must not be published)."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Ba Dinh, Hanoi")
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 128, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def noisy_png(side: int = 700) -> bytes:
    """Return a PNG of random pixels (it does not compress: about 3 x side^2 bytes)."""
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def vault_image(
    actor: Actor,
    data: bytes,
    *,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
    classification: int = Classification.UNCLASSIFIED,
) -> Document:
    """Upload an image to the vault as ``actor`` and return the document."""
    return vault_services.document_upload(
        actor=actor,
        fields=vault_services.DocumentFields(
            title_en="Photo", title_vi="Ảnh", classification=classification, tlp=TLP.CLEAR
        ),
        upload=vault_services.upload_from_bytes(data, name=name, content_type=content_type),
    )


class _PageHandler(BaseHTTPRequestHandler):
    server: PageServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        return

    def do_GET(self) -> None:
        found = self.server.pages.get(self.path)
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PageServer(ThreadingHTTPServer):
    """A local web server answering fixed pages (``pages[path] = (content type, body)``)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _PageHandler)
        self.pages: dict[str, tuple[str, bytes]] = {}

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def page_server() -> Iterator[PageServer]:
    """Run a :class:`PageServer` on a free port for the block."""
    server = PageServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
