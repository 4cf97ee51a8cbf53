"""The vault's encryption format: chunked AES-256-GCM streams and wrapped data keys (pure functions).

Stream format, version 1 (a variant of the STREAM construction of Hoang, Reyhanitabar, Rogaway and
Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015)::

    header  = MAGIC "CHVS" | format version (1 byte) | chunk size (uint32, big-endian)
              | nonce prefix (7 bytes)
    chunk_i = AES-256-GCM(data key, nonce_i, plaintext_i, aad_i)      (ciphertext followed by its 16-byte tag)
    nonce_i = nonce prefix (7) | i (uint32, big-endian) | final flag (1 byte: 1 on the last chunk, else 0)
    aad_i   = header | len(context) (uint16) | context | i (uint32) | final flag (1 byte)

Every chunk but the last holds exactly ``chunk size`` plaintext bytes; the last holds 1…chunk size bytes
(0 only for an empty stream) and is the only one sealed with the final flag set. Because the index and
the flag are bound into both the nonce and the associated data, and the header (format version, chunk
size, random prefix) and the caller's ``context`` (the version's key id) into every chunk:

* reordering or duplicating chunks fails (index mismatch);
* truncating the stream fails (the new last chunk was sealed as not final), at a chunk boundary too;
* appending anything fails (the real last chunk was sealed as final);
* splicing in chunks from another stream fails (different key, prefix or context);
* any flipped bit fails the chunk's tag.

Each version has its own random 256-bit data key, so nonces never repeat under one key. Data keys are
wrapped by a key-encryption key (KEK) with AES-256-GCM, the KEK id and the caller's context in the AAD.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator
from typing import Final, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC: Final = b"CHVS"
FORMAT_VERSION: Final = 1
KEY_BYTES: Final = 32
TAG_BYTES: Final = 16
NONCE_PREFIX_BYTES: Final = 7
DEFAULT_CHUNK_BYTES: Final = 1024 * 1024
MAX_CHUNK_BYTES: Final = 16 * 1024 * 1024
MAX_CHUNKS: Final = 2**32 - 1
_HEADER = struct.Struct(">4sBI7s")
HEADER_BYTES: Final = _HEADER.size
WRAP_FORMAT: Final = b"chancery-vault-dek-wrap-v1"
_WRAP_NONCE_BYTES: Final = 12


class Readable(Protocol):
    """Anything with ``read(size)`` returning bytes (files, uploads, sockets wrapped as files)."""

    def read(self, size: int = -1, /) -> bytes:
        """Return up to ``size`` bytes; b"" at the end."""
        ...


class IntegrityError(Exception):
    """The ciphertext, its header or a wrapped key is not what was sealed (altered, truncated, spliced)."""


def generate_data_key() -> bytes:
    """Return a fresh random 256-bit data key (one per document version)."""
    return AESGCM.generate_key(bit_length=256)


def ciphertext_size(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_BYTES) -> int:
    """Return the exact size of the sealed stream for ``plaintext_size`` bytes."""
    chunks = max(1, -(-plaintext_size // chunk_size))
    return HEADER_BYTES + plaintext_size + chunks * TAG_BYTES


def _chunk_nonce(prefix: bytes, index: int, *, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


def _chunk_aad(header: bytes, context: bytes, index: int, *, final: bool) -> bytes:
    return header + struct.pack(">H", len(context)) + context + struct.pack(">IB", index, 1 if final else 0)


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        msg = "a data key must be 32 bytes"
        raise ValueError(msg)


def _fill(reader: Readable, size: int) -> bytes:
    """Read exactly ``size`` bytes unless the stream ends first (raw streams may return short reads)."""
    data = reader.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    have = len(data)
    while have < size:
        more = reader.read(size - have)
        if not more:
            break
        parts.append(more)
        have += len(more)
    return b"".join(parts)


def encrypt_stream(
    reader: Readable,
    *,
    key: bytes,
    context: bytes,
    chunk_size: int = DEFAULT_CHUNK_BYTES,
) -> Iterator[bytes]:
    """Yield the sealed stream of ``reader``'s bytes: the header, then one sealed chunk at a time.

    Needs a 32-byte ``key`` and a ``context`` (up to 65535 bytes) that decryption must repeat; holds at
    most two chunks in memory. Raises ValueError on a bad key, chunk size or an over-long stream.
    """
    _check_key(key)
    if not 1 <= chunk_size <= MAX_CHUNK_BYTES:
        msg = f"chunk size must be between 1 and {MAX_CHUNK_BYTES} bytes"
        raise ValueError(msg)
    aead = AESGCM(key)
    prefix = os.urandom(NONCE_PREFIX_BYTES)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, chunk_size, prefix)
    yield header
    index = 0
    current = _fill(reader, chunk_size)
    while True:
        following = _fill(reader, chunk_size) if len(current) == chunk_size else b""
        final = not following
        if index > MAX_CHUNKS:
            msg = "stream too long for this format"
            raise ValueError(msg)
        nonce = _chunk_nonce(prefix, index, final=final)
        yield aead.encrypt(nonce, current, _chunk_aad(header, context, index, final=final))
        if final:
            return
        current = following
        index += 1


class StreamSealer:
    """:func:`encrypt_stream` for callers that push bytes (a tar writer, a dump): the same format.

    ``header()`` first, then ``write(data)`` returns the sealed chunks completed so far (often b""), and
    ``close()`` seals the final chunk. One full chunk is held back until more data or ``close()`` shows
    whether it is the last, so at most two chunks sit in memory.
    """

    def __init__(self, *, key: bytes, context: bytes, chunk_size: int = DEFAULT_CHUNK_BYTES) -> None:
        _check_key(key)
        if not 1 <= chunk_size <= MAX_CHUNK_BYTES:
            msg = f"chunk size must be between 1 and {MAX_CHUNK_BYTES} bytes"
            raise ValueError(msg)
        self._aead = AESGCM(key)
        self._context = context
        self._chunk_size = chunk_size
        self._prefix = os.urandom(NONCE_PREFIX_BYTES)
        self._header = _HEADER.pack(MAGIC, FORMAT_VERSION, chunk_size, self._prefix)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False

    def header(self) -> bytes:
        """Return the stream header (write it before any chunk)."""
        return self._header

    def _seal(self, plaintext: bytes, *, final: bool) -> bytes:
        if self._index > MAX_CHUNKS:
            msg = "stream too long for this format"
            raise ValueError(msg)
        nonce = _chunk_nonce(self._prefix, self._index, final=final)
        sealed = self._aead.encrypt(nonce, plaintext, _chunk_aad(self._header, self._context, self._index, final=final))
        self._index += 1
        return sealed

    def write(self, data: bytes) -> bytes:
        """Take ``data``; return the sealed chunks it completed (never the held-back last one)."""
        if self._closed:
            msg = "the stream is closed"
            raise ValueError(msg)
        self._buffer += data
        out = bytearray()
        while len(self._buffer) > self._chunk_size:
            out += self._seal(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return bytes(out)

    def close(self) -> bytes:
        """Seal and return the final chunk (empty only for an empty stream)."""
        if self._closed:
            return b""
        self._closed = True
        final = self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        return final


def iterable_reader(chunks: Iterable[bytes]) -> Readable:
    """Return a ``read(size)`` view over ``chunks`` (e.g. :func:`decrypt_stream`'s output, for tarfile)."""
    return _IterableReader(chunks)


def encrypt_chunks(
    chunks: Iterable[bytes],
    *,
    key: bytes,
    context: bytes,
    chunk_size: int = DEFAULT_CHUNK_BYTES,
) -> Iterator[bytes]:
    """Like :func:`encrypt_stream` for an iterable of byte strings of any sizes (rechunked as it goes)."""
    return encrypt_stream(_IterableReader(chunks), key=key, context=context, chunk_size=chunk_size)


def parse_header(header: bytes) -> tuple[int, bytes]:
    """Return ``(chunk size, nonce prefix)`` from a stream header; raise IntegrityError if it is not one."""
    if len(header) != HEADER_BYTES:
        msg = "the stream is too short to hold a header"
        raise IntegrityError(msg)
    magic, version, chunk_size, prefix = _HEADER.unpack(header)
    if magic != MAGIC:
        msg = "the stream does not start with the vault's magic bytes"
        raise IntegrityError(msg)
    if version != FORMAT_VERSION:
        msg = f"unsupported vault stream format {version}"
        raise IntegrityError(msg)
    if not 1 <= chunk_size <= MAX_CHUNK_BYTES:
        msg = "the stream header names an impossible chunk size"
        raise IntegrityError(msg)
    return chunk_size, prefix


def decrypt_stream(reader: Readable, *, key: bytes, context: bytes) -> Iterator[bytes]:
    """Yield the plaintext of a sealed stream chunk by chunk; raise IntegrityError on any alteration.

    Each chunk is authenticated before it is yielded, so no altered byte is ever returned; a truncated
    or extended stream raises when its end is reached. Callers that must refuse before sending anything
    run :func:`verify_stream` first.
    """
    _check_key(key)
    header = _fill(reader, HEADER_BYTES)
    chunk_size, prefix = parse_header(header)
    aead = AESGCM(key)
    sealed_size = chunk_size + TAG_BYTES
    index = 0
    current = _fill(reader, sealed_size)
    while True:
        if len(current) < TAG_BYTES:
            msg = f"the stream ends inside chunk {index}"
            raise IntegrityError(msg)
        following = _fill(reader, sealed_size) if len(current) == sealed_size else b""
        final = not following
        nonce = _chunk_nonce(prefix, index, final=final)
        try:
            plaintext = aead.decrypt(nonce, current, _chunk_aad(header, context, index, final=final))
        except InvalidTag:
            msg = f"chunk {index} failed authentication"
            raise IntegrityError(msg) from None
        yield plaintext
        if final:
            return
        current = following
        index += 1


def verify_stream(reader: Readable, *, key: bytes, context: bytes) -> int:
    """Authenticate a whole sealed stream without keeping its plaintext; return the plaintext size."""
    return sum(len(chunk) for chunk in decrypt_stream(reader, key=key, context=context))


def wrap_key(data_key: bytes, *, kek: bytes, kek_id: str, context: bytes) -> bytes:
    """Wrap ``data_key`` under ``kek`` (AES-256-GCM, the KEK id and ``context`` in the AAD)."""
    _check_key(data_key)
    _check_key(kek)
    nonce = os.urandom(_WRAP_NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(kek_id, context))


def unwrap_key(wrapped: bytes, *, kek: bytes, kek_id: str, context: bytes) -> bytes:
    """Return the data key inside ``wrapped``; raise IntegrityError for a wrong KEK, id or context."""
    _check_key(kek)
    if len(wrapped) != _WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        msg = "a wrapped data key has the wrong length"
        raise IntegrityError(msg)
    try:
        return AESGCM(kek).decrypt(wrapped[:_WRAP_NONCE_BYTES], wrapped[_WRAP_NONCE_BYTES:], _wrap_aad(kek_id, context))
    except InvalidTag:
        msg = "the data key could not be unwrapped (wrong key-encryption key or altered)"
        raise IntegrityError(msg) from None


def _wrap_aad(kek_id: str, context: bytes) -> bytes:
    encoded = kek_id.encode("utf-8")
    return WRAP_FORMAT + struct.pack(">H", len(encoded)) + encoded + struct.pack(">H", len(context)) + context


class _IterableReader:
    """A minimal ``read(size)`` view over an iterable of byte strings."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        if not self._buffer and size >= 0:  # fast path: pieces already of the requested size pass through
            for piece in self._chunks:
                if len(piece) == size:
                    return piece
                self._buffer += piece
                break
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out
