"""The sealed stream format: round trips, and every kind of tampering refuses (property-based)."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.vault import crypto

KEY = bytes(range(32))
CONTEXT = b"version:abc"
SMALL_CHUNK = 16


def seal(data: bytes, *, chunk_size: int = SMALL_CHUNK, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    return b"".join(crypto.encrypt_stream(io.BytesIO(data), key=key, context=context, chunk_size=chunk_size))


def open_sealed(sealed: bytes, *, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    return b"".join(crypto.decrypt_stream(io.BytesIO(sealed), key=key, context=context))


def split(sealed: bytes, chunk_size: int = SMALL_CHUNK) -> tuple[bytes, list[bytes]]:
    header, body = sealed[: crypto.HEADER_BYTES], sealed[crypto.HEADER_BYTES :]
    step = chunk_size + crypto.TAG_BYTES
    return header, [body[i : i + step] for i in range(0, len(body), step)]


@given(st.binary(max_size=200), st.integers(min_value=1, max_value=40))
def test_round_trip_and_exact_size(data: bytes, chunk_size: int) -> None:
    sealed = seal(data, chunk_size=chunk_size)
    assert len(sealed) == crypto.ciphertext_size(len(data), chunk_size)
    assert open_sealed(sealed) == data
    if len(data) >= 8:
        assert data not in sealed


@given(st.binary(min_size=1, max_size=120), st.data())
def test_a_flipped_bit_anywhere_refuses(data: bytes, draw: st.DataObject) -> None:
    sealed = bytearray(seal(data))
    position = draw.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    bit = draw.draw(st.integers(min_value=0, max_value=7))
    sealed[position] ^= 1 << bit
    with pytest.raises(crypto.IntegrityError):
        open_sealed(bytes(sealed))


@given(st.binary(min_size=1, max_size=120), st.data())
def test_truncation_refuses_at_any_length(data: bytes, draw: st.DataObject) -> None:
    sealed = seal(data)
    cut = draw.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    with pytest.raises(crypto.IntegrityError):
        open_sealed(sealed[:cut])


@given(st.binary(min_size=SMALL_CHUNK * 2 + 1, max_size=120))
def test_dropping_the_last_chunk_at_a_boundary_refuses(data: bytes) -> None:
    header, chunks = split(seal(data))
    with pytest.raises(crypto.IntegrityError):
        open_sealed(header + b"".join(chunks[:-1]))


@given(st.binary(min_size=1, max_size=120), st.binary(min_size=1, max_size=40))
def test_appended_bytes_refuse(data: bytes, extra: bytes) -> None:
    with pytest.raises(crypto.IntegrityError):
        open_sealed(seal(data) + extra)


@given(st.binary(min_size=SMALL_CHUNK * 3, max_size=160), st.data())
def test_reordered_or_duplicated_chunks_refuse(data: bytes, draw: st.DataObject) -> None:
    header, chunks = split(seal(data))
    permuted = draw.draw(st.permutations(chunks))
    if permuted != chunks:
        with pytest.raises(crypto.IntegrityError):
            open_sealed(header + b"".join(permuted))
    duplicated = [chunks[0], *chunks]
    with pytest.raises(crypto.IntegrityError):
        open_sealed(header + b"".join(duplicated))


@given(st.binary(min_size=SMALL_CHUNK * 2, max_size=120), st.data())
def test_splicing_a_chunk_from_another_stream_refuses(data: bytes, draw: st.DataObject) -> None:
    header, chunks = split(seal(data))
    _, other_chunks = split(seal(data))  # same key, same context, same plaintext: only the nonce prefix differs
    index = draw.draw(st.integers(min_value=0, max_value=min(len(chunks), len(other_chunks)) - 1))
    spliced = [*chunks[:index], other_chunks[index], *chunks[index + 1 :]]
    with pytest.raises(crypto.IntegrityError):
        open_sealed(header + b"".join(spliced))


@settings(max_examples=30)
@given(st.binary(min_size=1, max_size=64))
def test_wrong_key_or_context_refuses(data: bytes) -> None:
    sealed = seal(data)
    with pytest.raises(crypto.IntegrityError):
        open_sealed(sealed, key=os.urandom(32))
    with pytest.raises(crypto.IntegrityError):
        open_sealed(sealed, context=b"version:other")


@given(st.binary(max_size=crypto.HEADER_BYTES + 40))
def test_arbitrary_bytes_never_decrypt(garbage: bytes) -> None:
    with pytest.raises(crypto.IntegrityError):
        open_sealed(garbage)


def test_a_full_last_chunk_is_final_and_an_empty_stream_has_one_empty_chunk() -> None:
    data = b"x" * (SMALL_CHUNK * 2)
    header, chunks = split(seal(data))
    assert [len(c) for c in chunks] == [SMALL_CHUNK + 16, SMALL_CHUNK + 16]
    assert open_sealed(header + b"".join(chunks)) == data
    with pytest.raises(crypto.IntegrityError):  # the first chunk alone was not sealed as final
        open_sealed(header + chunks[0])
    empty = seal(b"")
    assert len(empty) == crypto.HEADER_BYTES + 16
    assert open_sealed(empty) == b""


def test_header_names_format_and_chunk_size() -> None:
    sealed = seal(b"hello", chunk_size=1024)
    assert sealed[:4] == b"CHVS"
    assert crypto.parse_header(sealed[: crypto.HEADER_BYTES])[0] == 1024
    future = bytearray(sealed)
    future[4] = 2
    with pytest.raises(crypto.IntegrityError, match="unsupported"):
        open_sealed(bytes(future))


def test_encrypt_chunks_rechunks_an_iterable() -> None:
    pieces = [b"ab", b"", b"cdefghijklmnopqrstuvwxyz" * 3, b"!"]
    sealed = b"".join(crypto.encrypt_chunks(pieces, key=KEY, context=CONTEXT, chunk_size=SMALL_CHUNK))
    assert open_sealed(sealed) == b"".join(pieces)


def test_wrapped_keys_bind_the_kek_id_and_context() -> None:
    data_key, kek = crypto.generate_data_key(), crypto.generate_data_key()
    wrapped = crypto.wrap_key(data_key, kek=kek, kek_id="kek-1", context=b"v1")
    assert crypto.unwrap_key(wrapped, kek=kek, kek_id="kek-1", context=b"v1") == data_key
    assert data_key not in wrapped
    for kwargs in ({"kek_id": "kek-2", "context": b"v1"}, {"kek_id": "kek-1", "context": b"v2"}):
        with pytest.raises(crypto.IntegrityError):
            crypto.unwrap_key(wrapped, kek=kek, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_key(wrapped, kek=os.urandom(32), kek_id="kek-1", context=b"v1")
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_key(wrapped[:-1], kek=kek, kek_id="kek-1", context=b"v1")


def test_bad_keys_and_chunk_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        seal(b"x", key=b"short")
    with pytest.raises(ValueError, match="chunk size"):
        seal(b"x", chunk_size=0)
