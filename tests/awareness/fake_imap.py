"""A small IMAP4rev1 server over TLS for the reporting-mailbox tests (RFC 3501 subset).

Speaks what the poller uses: CAPABILITY, LOGIN, SELECT, UID SEARCH, UID FETCH (RFC822.SIZE, BODY.PEEK[]),
UID STORE (+FLAGS), EXPUNGE, NOOP, LOGOUT. It binds 127.0.0.1 on a free port and serves one folder;
everything else answers BAD. Every command is recorded (without the password) for assertions.
"""

from __future__ import annotations

import datetime as dt
import re
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)')


def self_signed(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """Write a self-signed certificate for ``host`` (an IP address) and its key; return their paths."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-imap.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "imap-cert.pem", directory / "imap-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class StoredMessage:
    """A message in the fake folder."""

    uid: int
    data: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Folder:
    """The fake mailbox: credentials, one folder's messages and the command log."""

    user: str
    password: str
    name: str = "INBOX"
    messages: list[StoredMessage] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    next_uid: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, data: bytes) -> int:
        """Add a message; return its UID."""
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.messages.append(StoredMessage(uid=uid, data=data))
            return uid


def _tokens(text: str) -> list[str]:
    words = []
    for found in TOKEN.finditer(text):
        quoted = found.group(1)
        words.append(quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted is not None else found.group(0))
    return words


class _Handler(socketserver.StreamRequestHandler):
    server: _Server
    disable_nagle_algorithm = True  # small responses written line by line must not wait for delayed ACKs

    def _send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        folder = self.server.folder
        self._send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready")
        state = {"auth": False, "selected": False}
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            words = _tokens(raw.decode("utf-8", "replace").strip())
            if len(words) < 2:
                self._send("* BAD no command")
                continue
            tag, command, args = words[0], words[1].upper(), words[2:]
            if command == "UID" and args:
                command, args = "UID " + args[0].upper(), args[1:]
            folder.commands.append(command if command == "LOGIN" else " ".join([command, *args]))
            if self._dispatch(folder, state, tag, command, args):
                return

    def _dispatch(self, folder: Folder, state: dict[str, bool], tag: str, command: str, args: list[str]) -> bool:
        if command == "CAPABILITY":
            self._send("* CAPABILITY IMAP4rev1")
            self._send(f"{tag} OK CAPABILITY completed")
        elif command == "NOOP":
            self._send(f"{tag} OK NOOP completed")
        elif command == "LOGOUT":
            self._send("* BYE logging out")
            self._send(f"{tag} OK LOGOUT completed")
            return True
        elif command == "LOGIN":
            if args[:2] == [folder.user, folder.password]:
                state["auth"] = True
                self._send(f"{tag} OK LOGIN completed")
            else:
                self._send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
        elif not state["auth"]:
            self._send(f"{tag} BAD not authenticated")
        elif command == "SELECT":
            if args and args[0] == folder.name:
                state["selected"] = True
                with folder.lock:
                    self._send(f"* {len(folder.messages)} EXISTS")
                self._send("* 0 RECENT")
                self._send("* OK [UIDVALIDITY 1] UIDs valid")
                self._send(r"* FLAGS (\Seen \Deleted \Flagged)")
                self._send(f"{tag} OK [READ-WRITE] SELECT completed")
            else:
                self._send(f"{tag} NO no such folder")
        elif not state["selected"]:
            self._send(f"{tag} BAD no folder selected")
        elif command == "UID SEARCH":
            self._search(folder, tag, args)
        elif command == "UID FETCH" and len(args) == 2:
            self._fetch(folder, tag, args[0], args[1].upper())
        elif command == "UID STORE" and len(args) == 3 and args[1].upper() == "+FLAGS":
            self._store(folder, tag, args[0], args[2])
        elif command == "EXPUNGE":
            self._expunge(folder, tag)
        else:
            self._send(f"{tag} BAD unknown command")
        return False

    def _search(self, folder: Folder, tag: str, args: list[str]) -> None:
        criteria = [a.upper() for a in args]
        if criteria not in (["ALL"], ["UNDELETED"], ["UNSEEN"]):
            self._send(f"{tag} BAD unsupported search")
            return
        with folder.lock:
            uids = [
                str(m.uid)
                for m in folder.messages
                if criteria == ["ALL"]
                or (criteria == ["UNDELETED"] and r"\Deleted" not in m.flags)
                or (criteria == ["UNSEEN"] and r"\Seen" not in m.flags)
            ]
        self._send("* SEARCH" + "".join(" " + uid for uid in uids))
        self._send(f"{tag} OK SEARCH completed")

    def _find(self, folder: Folder, uid: str) -> tuple[int, StoredMessage] | None:
        for seq, message in enumerate(folder.messages, start=1):
            if str(message.uid) == uid:
                return seq, message
        return None

    def _fetch(self, folder: Folder, tag: str, uid: str, items: str) -> None:
        with folder.lock:
            found = self._find(folder, uid)
        if found is not None:
            seq, message = found
            if items == "(RFC822.SIZE)":
                self._send(f"* {seq} FETCH (UID {message.uid} RFC822.SIZE {len(message.data)})")
            elif items == "(BODY.PEEK[])":
                self.wfile.write(f"* {seq} FETCH (UID {message.uid} BODY[] {{{len(message.data)}}}\r\n".encode())
                self.wfile.write(message.data)
                self._send(")")
            else:
                self._send(f"{tag} BAD unsupported fetch")
                return
        self._send(f"{tag} OK FETCH completed")

    def _store(self, folder: Folder, tag: str, uid: str, flags: str) -> None:
        with folder.lock:
            found = self._find(folder, uid)
            if found is not None:
                seq, message = found
                message.flags |= set(flags.strip("()").split())
                self._send(f"* {seq} FETCH (UID {message.uid} FLAGS ({' '.join(sorted(message.flags))}))")
        self._send(f"{tag} OK STORE completed")

    def _expunge(self, folder: Folder, tag: str) -> None:
        with folder.lock:
            seq = 1
            kept = []
            for message in folder.messages:
                if r"\Deleted" in message.flags:
                    self._send(f"* {seq} EXPUNGE")  # later sequence numbers shift down by one
                else:
                    kept.append(message)
                    seq += 1
            folder.messages = kept
        self._send(f"{tag} OK EXPUNGE completed")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    folder: Folder


class FakeImapServer:
    """Serve ``folder`` over IMAP with TLS on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, folder: Folder, cert: Path, key: Path) -> None:
        """Bind the listening socket (port 0) and wrap it in TLS with ``cert`` and ``key``."""
        self.folder = folder
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = _Server(("127.0.0.1", 0), _Handler, bind_and_activate=True)
        self.server.folder = folder
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeImapServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
