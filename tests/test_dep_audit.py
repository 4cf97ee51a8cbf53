"""tools/dep_audit.py: parsing pip-audit's report, the reviewed exceptions and their review dates, offline runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools import dep_audit
from tools.dep_audit import AcceptedRisk, AuditError, Finding, exceptions_load, findings_judge, findings_parse

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)

REPORT = {
    "dependencies": [
        {"name": "Django", "version": "6.1", "vulns": []},
        {
            "name": "Jinja2",
            "version": "3.1.0",
            "vulns": [
                {"id": "PYSEC-2024-1", "fix_versions": ["3.1.4"], "aliases": ["CVE-2024-1111", "GHSA-aaaa"]},
            ],
        },
        {
            "name": "urllib3",
            "version": "2.0.0",
            "vulns": [{"id": "GHSA-bbbb", "fix_versions": [], "aliases": []}],
        },
    ],
    "fixes": [],
}


def test_report_is_parsed_into_findings() -> None:
    findings = findings_parse(json.dumps(REPORT))
    assert [(f.package, f.vuln_id) for f in findings] == [("jinja2", "PYSEC-2024-1"), ("urllib3", "GHSA-bbbb")]
    assert findings[0].fix_versions == ("3.1.4",)
    assert findings[0].ids() == {"PYSEC-2024-1", "CVE-2024-1111", "GHSA-aaaa"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
REPORTISH = st.fixed_dictionaries(
    {"dependencies": st.lists(st.dictionaries(st.sampled_from(["name", "version", "vulns"]), JSON), max_size=4)}
)


@given(st.one_of(st.text(max_size=60), JSON.map(json.dumps), REPORTISH.map(json.dumps)))
def test_any_report_parses_or_raises_audit_error(text: str) -> None:
    try:
        findings = findings_parse(text)
    except AuditError:
        return
    assert all(isinstance(finding, Finding) for finding in findings)


def _exceptions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "exceptions.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_exceptions_file_is_read_and_validated(tmp_path: Path) -> None:
    good = _exceptions(
        tmp_path,
        "- id: CVE-2024-1111\n  package: Jinja2\n  reason: sandbox not used\n  review_by: 2026-12-31\n",
    )
    assert exceptions_load(good) == [AcceptedRisk("CVE-2024-1111", "jinja2", "sandbox not used", dt.date(2026, 12, 31))]
    assert exceptions_load(_exceptions(tmp_path, "[]\n")) == []
    assert exceptions_load(tmp_path / "absent.yml") == []
    for bad in (
        "- id: X\n  package: p\n  reason: r\n",  # no review date
        "- id: X\n  package: p\n  reason: r\n  review_by: soon\n",
        "- id: X\n  package: p\n  reason: ''\n  review_by: 2026-12-31\n",
        "- id: X\n  package: p\n  reason: r\n  review_by: 2026-12-31\n  owner: me\n",
        "{}\n",
    ):
        with pytest.raises(AuditError):
            exceptions_load(_exceptions(tmp_path, bad))


def test_the_committed_exceptions_file_is_valid() -> None:
    for risk in exceptions_load(ROOT / "tools" / "dep_audit_exceptions.yml"):
        assert risk.reason


def test_an_accepted_finding_passes_until_its_review_date() -> None:
    findings = findings_parse(json.dumps(REPORT))
    accepted = [
        AcceptedRisk("GHSA-aaaa", "jinja2", "sandbox not used", TODAY),  # matched by alias, due today: still fine
        AcceptedRisk("GHSA-zzzz", "django", "gone", TODAY),
    ]
    verdict = findings_judge(findings, accepted, today=TODAY)
    assert [f.package for f in verdict.failing] == ["urllib3"]
    assert [f.package for f, _ in verdict.accepted] == ["jinja2"]
    assert verdict.unused == [accepted[1]]
    later = findings_judge(findings, accepted, today=TODAY + dt.timedelta(days=1))
    assert sorted(f.package for f in later.failing) == ["jinja2", "urllib3"]
    assert [f.package for f, _ in later.expired] == ["jinja2"]
    wrong_package = findings_judge(findings, [AcceptedRisk("GHSA-aaaa", "flask", "x", TODAY)], today=TODAY)
    assert len(wrong_package.failing) == 2


def test_unreachable_pypi_is_reported_and_fails_only_when_strict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dep_audit, "pypi_reachable", lambda *args, **kwargs: False)
    assert dep_audit.main([]) == dep_audit.EXIT_CLEAN
    assert "NOT AUDITED" in capsys.readouterr().out
    assert dep_audit.main(["--strict"]) == dep_audit.EXIT_UNREACHABLE


def test_findings_fail_the_run_and_exceptions_let_it_pass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    seen: list[str] = []

    def fake_audit(requirements: Path, *, timeout: int) -> str:
        seen.append(requirements.read_text(encoding="utf-8"))
        return json.dumps(REPORT)

    monkeypatch.setattr(dep_audit, "pypi_reachable", lambda *args, **kwargs: True)
    monkeypatch.setattr(dep_audit, "pip_audit", fake_audit)
    assert dep_audit.main(["--exceptions", str(tmp_path / "none.yml")]) == dep_audit.EXIT_FINDINGS
    output = capsys.readouterr().out
    assert "VULNERABLE jinja2 3.1.0 PYSEC-2024-1" in output
    assert "fixed in 3.1.4" in output
    requirements = seen[0]
    assert "django==" in requirements.lower()  # the locked runtime set from uv export ...
    assert "pytest==" not in requirements  # ... without the dev group
    review = (TODAY + dt.timedelta(days=3650)).isoformat()
    entries: list[dict[str, Any]] = [
        {"id": "CVE-2024-1111", "package": "jinja2", "reason": "sandbox unused", "review_by": review},
        {"id": "GHSA-bbbb", "package": "urllib3", "reason": "no fix yet; pinned hosts only", "review_by": review},
    ]
    exceptions = _exceptions(tmp_path, json.dumps(entries))  # JSON is YAML
    assert dep_audit.main(["--exceptions", str(exceptions)]) == dep_audit.EXIT_CLEAN
    assert "ACCEPTED jinja2" in capsys.readouterr().out


def test_a_malformed_exceptions_file_is_a_tool_error(tmp_path: Path) -> None:
    assert dep_audit.main(["--exceptions", str(_exceptions(tmp_path, "- id: X\n"))]) == dep_audit.EXIT_ERROR
