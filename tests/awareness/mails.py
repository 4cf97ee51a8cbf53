"""Sample messages for the awareness tests (written for the project)."""

from __future__ import annotations

import base64

EXE = b"MZ\x90\x00\x03\x00\x00\x00 pretend executable"

PHISH = (
    b'From: "IT Service Desk" <helpdesk@mofa-login.example>\r\n'
    b"Reply-To: collect@evil.example\r\n"
    b"To: staff@mofa.gov.vn\r\n"
    b"Subject: =?utf-8?q?M=E1=BA=ADt_kh=E1=BA=A9u_s=E1=BA=AFp_h=E1=BA=BFt_h=E1=BA=A1n?=\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Your password expires.</p><a href="https://mofa-login.example/reset?u=42">Reset</a>'
    b"<script>alert(1)</script>\r\n"
    b"--b1\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="invoice.exe"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(EXE) + b"\r\n"
    b"--b1--\r\n"
)


def nested(depth: int) -> bytes:
    """Return a message whose MIME parts nest ``depth`` levels deep."""
    head = b"From: a@b.example\r\nSubject: nest\r\nMIME-Version: 1.0\r\n"
    body = b"Content-Type: text/plain\r\n\r\nhttp://deep.example/\r\n"
    for level in range(depth):
        boundary = f"n{level}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="'
            + boundary
            + b'"\r\n\r\n--'
            + boundary
            + b"\r\n"
            + body
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    return head + body
