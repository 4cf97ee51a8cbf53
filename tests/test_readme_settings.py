"""README documents every CHANCERY_* setting the code reads, and no setting the code does not read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "chancery"
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list", "env_path"}
VARIABLE = re.compile(r"CHANCERY_[A-Z0-9_]*[A-Z0-9]")


def _reader_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def variables_read_in(tree: ast.AST) -> set[str]:
    """Return the CHANCERY_* names a module reads: env_*("NAME") calls and "CHANCERY_NAME" literals."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _reader_name(node) in ENV_READERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(f"CHANCERY_{first.value}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and VARIABLE.fullmatch(node.value):
            found.add(node.value)
    return found


def variables_read_by_code() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" not in path.parts:
            found |= variables_read_in(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_the_scanner_finds_reader_calls_and_literals() -> None:
    tree = ast.parse('env_int("LOCKOUT_FAILURES", default=10)\nos.environ.get("CHANCERY_PORT")\nx = "CHANCERY_"')
    assert variables_read_in(tree) == {"CHANCERY_LOCKOUT_FAILURES", "CHANCERY_PORT"}


def test_settings_are_found_in_the_code() -> None:
    # Guards the scanner itself: these are read by settings.py and the CLI today.
    assert {"CHANCERY_DATABASE_URL", "CHANCERY_SECRET_KEY", "CHANCERY_VAR_DIR", "CHANCERY_PORT"} <= (
        variables_read_by_code()
    )


def test_readme_documents_every_setting_the_code_reads() -> None:
    documented = set(VARIABLE.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    missing = sorted(variables_read_by_code() - documented)
    assert missing == [], f"add these settings to README.md's settings table: {missing}"


def test_readme_documents_no_setting_the_code_ignores() -> None:
    documented = set(VARIABLE.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    stale = sorted(documented - variables_read_by_code())
    assert stale == [], f"README.md documents settings nothing reads: {stale}"
