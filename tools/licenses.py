"""Print the licence of every runtime dependency of Chancery, read from installed package metadata.

Runtime means what ``pip install chancery`` pulls in: the project's ``Requires-Dist`` (never the ``dev``
dependency group) followed transitively, with environment markers and extras evaluated for this machine
(so Windows-only packages such as ``colorama`` and ``tzdata`` are not listed on Linux).

Usage (from the repository root)::

    .venv/bin/python tools/licenses.py            # a table: name, version, licence
    .venv/bin/python tools/licenses.py --notice   # the same list in the format NOTICE embeds
    .venv/bin/python tools/licenses.py --check    # exit 1 if a runtime dependency is GPL or AGPL

``tests/test_licences.py`` runs the check and compares NOTICE with this list.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "chancery"
UNKNOWN = "UNKNOWN"

# A strong-copyleft term: GPL or AGPL (LGPL is fine for an unmodified, dynamically imported library).
_STRONG_COPYLEFT = re.compile(r"(?<![A-Za-z])A?GPL|GNU (Affero )?General Public License", re.IGNORECASE)
_CLASSIFIER_NAMES = {
    "MIT License": "MIT",
    "BSD License": "BSD",
    "Apache Software License": "Apache-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Other/Proprietary License": "Other/Proprietary",
}
_LONG_LICENSE_FIELD = 60  # a longer License field is the licence's text, not its name


@dataclass(frozen=True, slots=True)
class Dependency:
    """One installed runtime distribution and the licence its metadata declares."""

    name: str
    version: str
    licence: str

    @property
    def is_strong_copyleft(self) -> bool:
        """True when no alternative of the licence is free of GPL/AGPL terms."""
        return is_strong_copyleft(self.licence)


def is_strong_copyleft(licence: str) -> bool:
    """Return True when ``licence`` (an SPDX-like expression) binds the user to GPL or AGPL.

    ``A OR B`` is a choice, so it is copyleft only if every alternative is; ``A AND B`` (used for lists
    of classifiers, conservatively) is copyleft if any part is.
    """
    alternatives = re.split(r"\s+OR\s+", licence.strip("() "))
    return all(_STRONG_COPYLEFT.search(alternative) for alternative in alternatives)


def _classifier_licence(classifier: str) -> str:
    name = classifier.rsplit("::", 1)[-1].strip()
    if name in _CLASSIFIER_NAMES:
        return _CLASSIFIER_NAMES[name]
    in_brackets = re.search(r"\(([^)]+)\)\s*$", name)
    return in_brackets.group(1) if in_brackets else name


def licence_of(distribution: metadata.Distribution) -> str:
    """Return the licence ``distribution`` declares: its SPDX expression, short name, or classifiers."""
    meta = distribution.metadata
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= _LONG_LICENSE_FIELD:
        return field
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    names = [_classifier_licence(c) for c in classifiers if c != "License :: OSI Approved"]
    return " AND ".join(dict.fromkeys(names)) if names else UNKNOWN


def _requirements(distribution: metadata.Distribution, extras: frozenset[str]) -> list[Requirement]:
    wanted = []
    for line in distribution.requires or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras or {""}):
            wanted.append(requirement)
    return wanted


def runtime_dependencies(project: str = PROJECT) -> list[Dependency]:
    """Return every installed distribution ``project`` needs at run time, sorted by name.

    Needs ``project`` to be installed (``uv sync`` installs Chancery in the virtual environment).
    Raises :class:`importlib.metadata.PackageNotFoundError` when a required distribution is missing.
    """
    seen: dict[str, Dependency] = {}
    pending: list[tuple[str, frozenset[str]]] = [(project, frozenset())]
    expanded: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        key = canonicalize_name(name)
        if (key, extras) in expanded:
            continue
        expanded.add((key, extras))
        distribution = metadata.distribution(name)
        if key != canonicalize_name(project):
            seen[key] = Dependency(
                name=distribution.metadata["Name"],
                version=distribution.version,
                licence=licence_of(distribution),
            )
        pending.extend((r.name, frozenset(r.extras)) for r in _requirements(distribution, extras))
    return sorted(seen.values(), key=lambda dependency: canonicalize_name(dependency.name))


def notice_lines(dependencies: list[Dependency]) -> list[str]:
    """Return one NOTICE line per dependency, ``- name — licence`` (no version: NOTICE survives upgrades)."""
    return [f"- {d.name} — {d.licence}" for d in dependencies]


def main(argv: list[str] | None = None) -> int:
    """Print the table (or the NOTICE list); with ``--check`` exit 1 on a GPL/AGPL runtime dependency."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notice", action="store_true", help="print the list in NOTICE's format")
    parser.add_argument("--check", action="store_true", help="exit 1 if a runtime dependency is GPL/AGPL")
    args = parser.parse_args(argv)
    dependencies = runtime_dependencies()
    if args.notice:
        lines = notice_lines(dependencies)
    else:
        width = max(len(d.name) for d in dependencies)
        version_width = max(len(d.version) for d in dependencies)
        lines = [f"{'Package':<{width}}  {'Version':<{version_width}}  Licence"]
        lines += [f"{d.name:<{width}}  {d.version:<{version_width}}  {d.licence}" for d in dependencies]
    sys.stdout.write("\n".join(lines) + "\n")
    if args.check:
        offending = [d for d in dependencies if d.is_strong_copyleft]
        for dependency in offending:
            sys.stderr.write(f"GPL/AGPL runtime dependency: {dependency.name} ({dependency.licence})\n")
        return 1 if offending else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
