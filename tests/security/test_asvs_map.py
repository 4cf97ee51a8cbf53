"""The ASVS 5.0 map (docs/asvs-map.yml) covers Levels 1 and 2 exactly once and every reference in it is real."""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tools.asvs_map import (
    ROOT,
    SECURITY_MD,
    STATUSES,
    Entry,
    Requirement,
    document_with_tables,
    map_read,
    render,
    requirements_read,
)


@pytest.fixture(scope="module")
def requirements() -> list[Requirement]:
    return requirements_read()


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return map_read()


@cache
def _test_names(path: Path) -> frozenset[str]:
    """Return ``name`` and ``Class::name`` for every test function defined in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return frozenset(name for name in names if name.split("::")[-1].startswith("test"))


def test_the_copied_standard_has_its_published_counts(requirements: list[Requirement]) -> None:
    levels = Counter(requirement.level for requirement in requirements)
    assert len(requirements) == 345
    assert levels == {1: 70, 2: 183, 3: 92}
    assert len({requirement.req_id for requirement in requirements}) == 345
    assert len({requirement.chapter_id for requirement in requirements}) == 17


def test_every_level_1_and_2_requirement_is_mapped_exactly_once_in_order(
    requirements: list[Requirement], entries: list[Entry]
) -> None:
    wanted = [requirement.req_id for requirement in requirements if requirement.level <= 2]
    mapped = [entry.req_id for entry in entries]
    assert [req_id for req_id, count in Counter(mapped).items() if count > 1] == []
    assert sorted(set(wanted) - set(mapped)) == []
    assert sorted(set(mapped) - set(wanted)) == []
    assert mapped == wanted
    assert len(mapped) == 253


def test_levels_match_the_standard(requirements: list[Requirement], entries: list[Entry]) -> None:
    level = {requirement.req_id: requirement.level for requirement in requirements}
    assert [entry.req_id for entry in entries if entry.level != level[entry.req_id]] == []


def test_every_status_is_known_and_carries_what_it_needs(entries: list[Entry]) -> None:
    for entry in entries:
        assert entry.status in STATUSES, entry.req_id
        assert len(entry.note.strip()) >= 10, f"{entry.req_id}: say how, why it does not apply, or what is missing"
        if entry.status == "met":
            assert entry.tests, f"{entry.req_id}: a met requirement names at least one test"
            assert entry.code, f"{entry.req_id}: a met requirement names the code that satisfies it"
        if entry.status == "not-applicable":
            assert not entry.tests
            assert not entry.code


def test_every_referenced_test_exists(entries: list[Entry]) -> None:
    missing = []
    for entry in entries:
        for reference in entry.tests:
            path_text, separator, name = reference.partition("::")
            path = ROOT / path_text
            ok = (
                bool(separator)
                and path_text.startswith("tests/")
                and path.name.startswith("test_")
                and path.suffix == ".py"
                and path.is_file()
                and name in _test_names(path)
            )
            if not ok:
                missing.append(f"{entry.req_id}: {reference}")
    assert missing == []


def test_every_referenced_code_path_exists(entries: list[Entry]) -> None:
    missing = [
        f"{entry.req_id}: {path}"
        for entry in entries
        for path in entry.code
        if path.startswith("/") or ".." in Path(path).parts or not (ROOT / path).exists()
    ]
    assert missing == []


def test_the_reference_checks_catch_a_missing_test(tmp_path: Path) -> None:
    module = tmp_path / "test_sample.py"
    module.write_text(
        "def test_a():\n    pass\n\nclass TestB:\n    def test_c(self):\n        pass\n", encoding="utf-8"
    )
    assert _test_names(module) == {"test_a", "TestB::test_c"}


def test_security_md_tables_are_generated_from_the_map(entries: list[Entry], requirements: list[Requirement]) -> None:
    document = SECURITY_MD.read_text(encoding="utf-8")
    expected = document_with_tables(document, render(entries, requirements))
    assert document == expected, "docs/security.md is out of date: run .venv/bin/python tools/asvs_map.py --write"


# Each primitive the code can use, and the word the inventory in docs/security.md must use for it.
PRIMITIVES = {
    r"\bAESGCM\b": "AES-256-GCM",
    r"ChaCha20Poly1305": "ChaCha20-Poly1305",
    r"Ed25519PrivateKey|Ed25519PublicKey": "Ed25519",
    r"X25519PrivateKey|X25519PublicKey": "X25519",
    r"MLKEM768": "ML-KEM-768",
    r"MLDSA44": "ML-DSA-44",
    r"\bHKDF\b": "HKDF-SHA256",
    r"hmac\.new": "HMAC-SHA256",
    r"hashlib\.sha256|sha256\(": "SHA-256",
    r"Argon2": "Argon2id",
    r"PBKDF2": "PBKDF2",
    r'"HS256"|HS256': "HS256",
    r'"RS256"|RS256': "RS256",
    r"secrets\.token_|os\.urandom": "CSPRNG",
    r"ECDSA|ec\.generate_private_key": "ECDSA",
    r"rsa\.generate_private_key": "RSA",
}


def _inventory() -> str:
    document = SECURITY_MD.read_text(encoding="utf-8")
    match = re.search(r"^## Cryptographic inventory\n(.*?)(?=^## )", document, flags=re.MULTILINE | re.DOTALL)
    assert match, "docs/security.md needs a '## Cryptographic inventory' section"
    return match.group(1)


def test_crypto_inventory_names_every_primitive_in_the_code() -> None:
    """V11.1.2: a primitive used anywhere under src/ must be named in the inventory."""
    inventory = _inventory()
    sources = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "src").rglob("*.py")))
    used = {name for pattern, name in PRIMITIVES.items() if re.search(pattern, sources)}
    assert {"AES-256-GCM", "Ed25519", "SHA-256", "Argon2id"} <= used
    assert sorted(name for name in used if name not in inventory) == []
