"""Audit Chancery's locked runtime dependencies for known vulnerabilities (ASVS V15.2.1).

The runtime set is what ``uv export --no-dev`` writes from ``uv.lock`` (exact pins, the dev group left out);
``pip-audit`` checks each pin against PyPI's vulnerability data (the OSV records PyPI publishes per release).
A finding listed in the reviewed exceptions file (``tools/dep_audit_exceptions.yml``: id, package, reason,
review_by) does not fail the audit until its review date has passed; then it fails again until someone
re-reviews it. The remediation time frames the findings are judged against are in docs/security.md.

Usage (from the repository root)::

    .venv/bin/python tools/dep_audit.py            # exit 0: clean or all excepted; 1: findings; 2: tool error
    .venv/bin/python tools/dep_audit.py --strict   # also exit 3 when PyPI cannot be reached

When PyPI is unreachable (an air-gapped build host) the audit says so plainly and exits 0, or 3 with
``--strict`` (CI, where PyPI is reachable, should use ``--strict``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = ROOT / "tools" / "dep_audit_exceptions.yml"
PYPI_HOST = "pypi.org"
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_UNREACHABLE = 0, 1, 2, 3
EXCEPTION_FIELDS = frozenset({"id", "package", "reason", "review_by"})


class AuditError(Exception):
    """The audit could not run or its input was malformed; the message says which."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One known vulnerability in one pinned package."""

    package: str
    version: str
    vuln_id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]

    def ids(self) -> set[str]:
        """The advisory id and its aliases (an exception may name any of them)."""
        return {self.vuln_id, *self.aliases}


@dataclass(frozen=True, slots=True)
class AcceptedRisk:
    """A reviewed exception: this advisory in this package is accepted until ``review_by``."""

    vuln_id: str
    package: str
    reason: str
    review_by: dt.date


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def findings_parse(report: str) -> list[Finding]:
    """Parse ``pip-audit --format json`` output into findings; raise :class:`AuditError` if it is not one."""
    try:
        data: Any = json.loads(report)
    except ValueError:
        raise AuditError("pip-audit did not print a JSON report") from None
    dependencies = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(dependencies, list):
        raise AuditError("pip-audit's report has no dependency list")
    findings = []
    for dependency in dependencies:
        if not isinstance(dependency, dict):
            raise AuditError("pip-audit's report has a malformed dependency")
        vulns = dependency.get("vulns") or []
        name, version = dependency.get("name"), dependency.get("version", "")
        if not isinstance(name, str) or not isinstance(version, str) or not isinstance(vulns, list):
            raise AuditError("pip-audit's report has a malformed dependency")
        for vuln in vulns:
            if not isinstance(vuln, dict) or not isinstance(vuln.get("id"), str):
                raise AuditError(f"pip-audit's report has a malformed vulnerability for {name}")
            aliases = vuln.get("aliases") or []
            fixes = vuln.get("fix_versions") or []
            if not isinstance(aliases, list) or not isinstance(fixes, list):
                raise AuditError(f"pip-audit's report has a malformed vulnerability for {name}")
            findings.append(
                Finding(
                    package=_normalise(name),
                    version=version,
                    vuln_id=vuln["id"],
                    aliases=tuple(str(alias) for alias in aliases),
                    fix_versions=tuple(str(fix) for fix in fixes),
                )
            )
    return findings


def exceptions_load(path: Path = EXCEPTIONS) -> list[AcceptedRisk]:
    """Read the reviewed exceptions file (a YAML list; an empty or absent file means none).

    Raises :class:`AuditError` naming the entry when a field is missing, unknown or not a date.
    """
    if not path.exists():
        return []
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise AuditError(f"{path.name}: expected a list of exceptions")
    accepted = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) != EXCEPTION_FIELDS:
            raise AuditError(f"{path.name}: entry {number} needs exactly {', '.join(sorted(EXCEPTION_FIELDS))}")
        review_by = item["review_by"]
        if isinstance(review_by, str):
            try:
                review_by = dt.date.fromisoformat(review_by)
            except ValueError:
                raise AuditError(f"{path.name}: entry {number}: review_by is not a date (YYYY-MM-DD)") from None
        if not isinstance(review_by, dt.date) or not str(item["reason"]).strip():
            raise AuditError(f"{path.name}: entry {number}: give a reason and a review_by date")
        accepted.append(
            AcceptedRisk(
                vuln_id=str(item["id"]),
                package=_normalise(str(item["package"])),
                reason=str(item["reason"]).strip(),
                review_by=review_by,
            )
        )
    return accepted


@dataclass(frozen=True, slots=True)
class Verdict:
    """The audit's judgement: findings that fail it, findings accepted, and exceptions past review."""

    failing: list[Finding]
    accepted: list[tuple[Finding, AcceptedRisk]]
    expired: list[tuple[Finding, AcceptedRisk]]
    unused: list[AcceptedRisk]


def findings_judge(findings: Sequence[Finding], accepted: Sequence[AcceptedRisk], *, today: dt.date) -> Verdict:
    """Split ``findings`` by the exceptions: accepted (review date not passed), expired, or failing.

    An exception matches a finding with the same package and an id equal to the advisory's id or an alias.
    Exceptions that match nothing are returned as ``unused`` (to be removed from the file).
    """
    failing, ok, expired = [], [], []
    used: set[int] = set()
    for finding in findings:
        match = next(
            (
                (index, risk)
                for index, risk in enumerate(accepted)
                if risk.package == finding.package and risk.vuln_id in finding.ids()
            ),
            None,
        )
        if match is None:
            failing.append(finding)
            continue
        index, risk = match
        used.add(index)
        if risk.review_by < today:
            expired.append((finding, risk))
            failing.append(finding)
        else:
            ok.append((finding, risk))
    unused = [risk for index, risk in enumerate(accepted) if index not in used]
    return Verdict(failing=failing, accepted=ok, expired=expired, unused=unused)


def pypi_reachable(host: str = PYPI_HOST, *, timeout: float = 5.0) -> bool:
    """True when a TCP connection to ``host``:443 opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _uv_command() -> list[str]:
    bootstrap = ROOT / ".uv-bootstrap" / "bin"
    found = shutil.which("uv") or (str(bootstrap / "uv") if (bootstrap / "uv").exists() else "")
    if found:
        return [found]
    if (bootstrap / "python").exists():
        return [str(bootstrap / "python"), "-m", "uv"]
    raise AuditError("uv is not installed (bin/bootstrap.sh installs it)")


def runtime_requirements(directory: Path) -> Path:
    """Write the locked runtime dependencies (``uv export --no-dev --frozen``) to a requirements file."""
    target = directory / "requirements.txt"
    command = [
        *_uv_command(),
        "export",
        "--frozen",
        "--no-dev",
        "--no-hashes",
        "--no-emit-project",
        "--no-header",
        "--format",
        "requirements-txt",
        "--output-file",
        str(target),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)  # noqa: S603
    if result.returncode != 0:
        raise AuditError("uv export failed: " + result.stderr.strip()[-500:])
    return target


def pip_audit(requirements: Path, *, timeout: int) -> str:
    """Run pip-audit over pinned ``requirements`` against PyPI and return its JSON report."""
    executable = Path(sys.executable).with_name("pip-audit")
    command = [
        str(executable) if executable.exists() else "pip-audit",
        "--requirement",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "pypi",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        str(timeout),
    ]
    env = {**os.environ, "PIP_AUDIT_PROGRESS_SPINNER": "off"}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env, timeout=600)  # noqa: S603
    if result.returncode not in (0, 1):  # 1 means "vulnerabilities found"
        raise AuditError("pip-audit failed: " + result.stderr.strip()[-500:])
    return result.stdout


def _print_verdict(verdict: Verdict, *, audited: int) -> None:
    for finding, risk in verdict.accepted:
        print(f"ACCEPTED {finding.package} {finding.version} {finding.vuln_id}: {risk.reason}")
        print(f"         reviewed exception, next review by {risk.review_by}")
    for finding, risk in verdict.expired:
        print(f"EXPIRED  {finding.package} {finding.vuln_id}: the exception's review date {risk.review_by} has passed")
    for finding in verdict.failing:
        fixes = ", ".join(finding.fix_versions) or "no fixed release yet"
        aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        print(f"VULNERABLE {finding.package} {finding.version} {finding.vuln_id}{aliases}: fixed in {fixes}")
    for risk in verdict.unused:
        print(f"UNUSED   exception {risk.vuln_id} for {risk.package} matches no finding: remove it")
    state = "FAIL" if verdict.failing else "OK"
    print(
        f"{state}: {audited} runtime packages audited; {len(verdict.failing)} failing, "
        f"{len(verdict.accepted)} accepted by reviewed exception."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the audit and return the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--strict", action="store_true", help="exit 3 when PyPI cannot be reached")
    parser.add_argument("--exceptions", type=Path, default=EXCEPTIONS, help="reviewed exceptions file")
    parser.add_argument("--timeout", type=int, default=15, help="socket timeout for PyPI, seconds")
    args = parser.parse_args(argv)
    try:
        accepted = exceptions_load(args.exceptions)
        if not pypi_reachable():
            print(
                f"NOT AUDITED: {PYPI_HOST} cannot be reached, so PyPI's vulnerability data is unavailable. "
                "Run the audit where PyPI is reachable (CI does)."
            )
            return EXIT_UNREACHABLE if args.strict else EXIT_CLEAN
        with tempfile.TemporaryDirectory(prefix="chancery-dep-audit-") as directory:
            requirements = runtime_requirements(Path(directory))
            audited = sum(1 for line in requirements.read_text(encoding="utf-8").splitlines() if "==" in line)
            findings = findings_parse(pip_audit(requirements, timeout=args.timeout))
    except (AuditError, subprocess.TimeoutExpired) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return EXIT_ERROR
    verdict = findings_judge(findings, accepted, today=dt.datetime.now(dt.UTC).date())
    _print_verdict(verdict, audited=audited)
    return EXIT_FINDINGS if verdict.failing else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
