"""Source-level rules the ASVS map cites (V1.3.2, V1.3.7, V1.5.2, V3.2.2, V3.5.5, V14.3.3, V11.3.1, V11.4.1)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON_SOURCES = sorted((ROOT / "src").rglob("*.py"))
SCRIPTS = sorted(path for path in (ROOT / "src").rglob("*.js") if "node_modules" not in path.parts)


def _calls(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.append(func.id)
            elif isinstance(func, ast.Attribute):
                names.append("." + func.attr)
    return names


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_sources_are_found() -> None:
    assert len(PYTHON_SOURCES) > 100
    assert SCRIPTS


def test_no_dynamic_code_execution_or_unsafe_deserialisation() -> None:
    """No eval/exec/compile, no templates built from strings, no pickle/marshal/shelve, no yaml.load."""
    offenders = []
    for path in PYTHON_SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = set(_calls(tree))
        bad = calls & {"eval", "exec", "compile", "__import__", ".from_string"}
        bad |= {"yaml.load"} if ".load" in calls and "yaml" in _imports(tree) else set()
        bad |= (
            {"Template"}
            if "Template" in calls and "django.template import Template" in path.read_text("utf-8")
            else set()
        )
        bad |= _imports(tree) & {"pickle", "marshal", "shelve", "dill", "jsonpickle"}
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_numpy_archives_are_loaded_with_pickles_refused() -> None:
    for path in PYTHON_SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"np\.load\(([^)]*)\)", text):
            assert "allow_pickle=False" in match.group(1), path


def test_first_party_scripts_write_text_only_and_keep_nothing_in_browser_storage() -> None:
    """Scripts set textContent (never innerHTML), use no postMessage, storage APIs or eval."""
    forbidden = re.compile(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|postMessage|"
        r"localStorage|sessionStorage|indexedDB|document\.cookie"
    )
    for path in SCRIPTS:
        assert not forbidden.search(path.read_text(encoding="utf-8")), path


def test_no_insecure_cipher_modes_padding_or_hashes() -> None:
    """No ECB, CBC, PKCS#1 v1.5, DES/3DES/RC4, MD5 or SHA-1 anywhere in the code."""
    pattern = re.compile(
        r"modes\.ECB|modes\.CBC|PKCS1v15|TripleDES|ARC4|\bDES\b|hashlib\.md5|hashlib\.sha1|\"md5\"|\"sha1\""
    )
    offenders = [str(path.relative_to(ROOT)) for path in PYTHON_SOURCES if pattern.search(path.read_text("utf-8"))]
    assert offenders == []


def test_scripts_keep_no_lookup_tables_in_plain_object_literals() -> None:
    """V15.3.6: keys from outside go into Object.create(null), Set or Map, never into ``{}`` (prototype pollution)."""
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"=\s*\{\s*\}", text), path
        assert "__proto__" not in text, path
