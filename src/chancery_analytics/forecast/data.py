"""Reading the forecasting data: CSV tables that may be split by years, with explicit skips, never a crash.

A table is named by its folder and its file *stem*: ``exports_fob_usd_mn`` matches
``exports_fob_usd_mn_1960_2017.csv``, ``exports_fob_usd_mn_2018_2020.csv`` and ``exports_fob_usd_mn.csv``
(the stem followed by nothing, or by ``_YYYY`` or ``_YYYY_YYYY``). Every matching file is read; a row
repeated in a later file under the same key replaces the earlier one and is counted.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

csv.field_size_limit(10_000_000)

_YEARS = re.compile(r"^(?:_(\d{4})(?:_(\d{4}))?)?\.csv$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


class DataError(Exception):
    """The data cannot be used at all (missing folder, file or column); the message says which."""


@dataclass
class LoadReport:
    """What a loader read and what it skipped, with a count per reason (reported, never silent)."""

    files: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    replaced: int = 0

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` rows skipped for ``reason``."""
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def merge(self, other: LoadReport) -> None:
        """Add ``other``'s files, rows and skips to this report."""
        self.files.extend(other.files)
        self.rows += other.rows
        self.replaced += other.replaced
        for reason, count in other.skipped.items():
            self.skip(reason, count)

    def summary(self) -> str:
        """One line: files, rows read, and the skips by reason (empty skips say so)."""
        skips = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items())) or "none"
        return f"{len(self.files)} file(s), {self.rows} row(s) read, skipped: {skips}"


def parse_float(raw: str | None) -> float | None:
    """Return the finite number in ``raw`` or None for empty, ``NA``-like or malformed text (never raises)."""
    if raw is None:
        return None
    text = raw.strip()
    if not text or text.upper() in {"NA", "NAN", "NULL", "NONE", ".", "..", "-"}:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_int(raw: str | None) -> int | None:
    """Return the integer in ``raw`` (``"1990"`` or ``"1990.0"``) or None when it is not a whole number."""
    value = parse_float(raw)
    if value is None or value != int(value) or abs(value) > 2**53:
        return None
    return int(value)


def parse_month(raw: str | None) -> tuple[int, int] | None:
    """Return (year, month) from ``YYYY-MM`` or ``YYYY-MM-DD`` text, or None when malformed."""
    if raw is None:
        return None
    match = _MONTH.match(raw)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    if match.group(3) is not None and not 1 <= int(match.group(3)) <= 31:
        return None
    return year, month


def month_index(year: int, month: int) -> int:
    """Return the ViEWS ``month_id`` of (year, month): 1 is 1980-01."""
    return (year - 1980) * 12 + month


def month_label(month_id: int) -> str:
    """Return ``YYYY-MM`` for a ViEWS ``month_id``."""
    year, month = divmod(month_id - 1, 12)
    return f"{1980 + year:04d}-{month + 1:02d}"


def table_files(folder: Path, stem: str) -> list[Path]:
    """Return every ``stem[_YYYY[_YYYY]].csv`` in ``folder``, ordered by the first year they cover."""
    if not folder.is_dir():
        raise DataError(f"missing data folder {folder}")
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        if not path.name.startswith(stem):
            continue
        match = _YEARS.match(path.name[len(stem) :])
        if match and path.is_file():
            found.append((int(match.group(1) or 0), path.name, path))
    if not found:
        raise DataError(f"no file {stem}*.csv in {folder}")
    return [path for _, _, path in sorted(found)]


def table_read(
    folder: Path,
    stem: str,
    required: Sequence[str],
    key: Callable[[dict[str, str]], object] | None = None,
) -> tuple[list[dict[str, str]], LoadReport]:
    """Read every file of table ``stem`` in ``folder`` into dict rows carrying the ``required`` columns.

    Needs each file to have a header holding all ``required`` columns (else :class:`DataError`).
    Rows with a wrong number of fields are skipped and counted. With ``key``, a later row with the same
    key replaces the earlier one (counted in ``replaced``). Emits a :class:`LoadReport`.
    """
    report = LoadReport()
    rows: dict[object, dict[str, str]] = {}
    ordered: list[dict[str, str]] = []
    for path in table_files(folder, stem):
        report.files.append(path.name)
        try:
            with path.open(encoding="utf-8", errors="replace", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    raise DataError(f"{path.name}: empty file")
                header = [name.strip().lstrip("\ufeff") for name in header]
                missing = [name for name in required if name not in header]
                if missing:
                    raise DataError(f"{path.name}: missing column(s) {', '.join(missing)}")
                for fields in reader:
                    if not fields or all(not cell.strip() for cell in fields):
                        continue
                    if len(fields) != len(header):
                        report.skip("malformed row (wrong number of fields)")
                        continue
                    row = dict(zip(header, fields, strict=True))
                    report.rows += 1
                    if key is None:
                        ordered.append(row)
                        continue
                    identity = key(row)
                    if identity in rows:
                        report.replaced += 1
                    rows[identity] = row
        except OSError as error:
            raise DataError(f"cannot read {path}: {error.strerror}") from error
        except csv.Error as error:
            raise DataError(f"{path.name}: not a readable CSV ({error})") from error
    return (list(rows.values()) if key is not None else ordered), report


def numbers(rows: Iterable[dict[str, str]], column: str) -> list[float | None]:
    """Return ``column`` of each row parsed with :func:`parse_float` (None where missing or malformed)."""
    return [parse_float(row.get(column)) for row in rows]
