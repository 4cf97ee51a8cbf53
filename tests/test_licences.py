"""Licences: no GPL/AGPL at run time, and NOTICE names every runtime dependency with its licence."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from tools.licenses import Dependency, is_strong_copyleft, licence_of, notice_lines, runtime_dependencies

ROOT = Path(__file__).resolve().parent.parent
NOTICE_HEADING = "Runtime dependencies (name — licence as declared by the package):"


def _notice_dependency_lines() -> list[str]:
    text = (ROOT / "NOTICE").read_text(encoding="utf-8")
    after = text.split(NOTICE_HEADING, 1)[1].strip("\n")
    return after.split("\n\n", 1)[0].splitlines()


def _fake_distribution(tmp_path: Path, headers: list[str]) -> metadata.Distribution:
    info = tmp_path / "example-1.0.dist-info"
    info.mkdir()
    lines = ["Metadata-Version: 2.4", "Name: example", "Version: 1.0", *headers]
    (info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return metadata.PathDistribution(info)


def test_no_runtime_dependency_is_gpl_or_agpl() -> None:
    offending = [f"{d.name} ({d.licence})" for d in runtime_dependencies() if d.is_strong_copyleft]
    assert offending == [], f"GPL/AGPL runtime dependencies (the project is Apache-2.0): {offending}"


def test_runtime_dependencies_exclude_the_dev_group_and_include_transitive_ones() -> None:
    names = {d.name.lower() for d in runtime_dependencies()}
    assert {"django", "django-allauth", "psycopg", "asgiref", "fido2"} <= names  # fido2 via allauth[mfa]
    assert not names & {"pytest", "ruff", "mypy", "playwright", "pymerkle", "chancery"}


def test_every_runtime_dependency_declares_a_licence() -> None:
    unknown = [d.name for d in runtime_dependencies() if d.licence == "UNKNOWN"]
    assert unknown == []


def test_notice_lists_every_runtime_dependency_with_its_licence() -> None:
    expected = notice_lines(runtime_dependencies())
    assert _notice_dependency_lines() == expected, (
        "NOTICE is out of date: replace its runtime list with `.venv/bin/python tools/licenses.py --notice`"
    )


@pytest.mark.parametrize(
    ("licence", "copyleft"),
    [
        ("GPL-3.0-only", True),
        ("AGPL-3.0-or-later", True),
        ("GPLv3+", True),
        ("GNU General Public License v2 (GPLv2)", True),
        ("BSD AND GPLv3+", True),
        ("GPL-2.0-only OR AGPL-3.0-only", True),
        ("MIT OR GPL-2.0-or-later", False),
        ("LGPL-3.0-only", False),
        ("LGPLv2", False),
        ("GNU Lesser General Public License v3 (LGPLv3)", False),
        ("Apache-2.0 OR BSD-3-Clause", False),
        ("MPL-2.0", False),
    ],
)
def test_strong_copyleft_detection(licence: str, copyleft: bool) -> None:
    assert is_strong_copyleft(licence) is copyleft


def test_licence_prefers_the_spdx_expression(tmp_path: Path) -> None:
    distribution = _fake_distribution(
        tmp_path, ["License-Expression: MIT", "Classifier: License :: OSI Approved :: BSD License"]
    )
    assert licence_of(distribution) == "MIT"


def test_licence_falls_back_to_classifiers_and_flags_gpl(tmp_path: Path) -> None:
    distribution = _fake_distribution(
        tmp_path,
        [
            "License: " + "Long licence text " * 10,
            "Classifier: License :: OSI Approved :: MIT License",
            "Classifier: License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
        ],
    )
    licence = licence_of(distribution)
    assert licence == "MIT AND GPLv3+"
    assert Dependency(name="example", version="1.0", licence=licence).is_strong_copyleft


def test_licence_without_any_declaration_is_unknown(tmp_path: Path) -> None:
    assert licence_of(_fake_distribution(tmp_path, [])) == "UNKNOWN"
