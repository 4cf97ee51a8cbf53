"""Typed readers for ``CHANCERY_*`` environment settings.

Every setting that a deployment may change is read here, once, with its type and default spelled out,
so that ``settings.py`` reads like a list of decisions rather than a list of parsing tricks.
"""

from __future__ import annotations

import os
from pathlib import Path

PREFIX = "CHANCERY_"


class SettingError(ValueError):
    """An environment variable holds a value of the wrong shape."""


def env_str(name: str, default: str = "") -> str:
    """Return ``CHANCERY_<name>`` as a string, or ``default`` when unset or empty."""
    value = os.environ.get(PREFIX + name, "")
    return value if value != "" else default


def env_bool(name: str, *, default: bool) -> bool:
    """Return ``CHANCERY_<name>`` as a boolean (1/0, true/false, yes/no, on/off)."""
    raw = env_str(name).strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    msg = f"{PREFIX}{name} must be a boolean (1/0, true/false), not {raw!r}"
    raise SettingError(msg)


def env_int(name: str, *, default: int) -> int:
    """Return ``CHANCERY_<name>`` as an integer."""
    raw = env_str(name).strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        msg = f"{PREFIX}{name} must be an integer, not {raw!r}"
        raise SettingError(msg) from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return ``CHANCERY_<name>`` split on commas, blanks dropped."""
    raw = env_str(name)
    if raw == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """Return ``CHANCERY_<name>`` as an absolute path."""
    raw = env_str(name)
    return (Path(raw) if raw else default).resolve()
