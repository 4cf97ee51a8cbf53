"""Per-platform previews: what each platform would do with each language version (pure arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.outreach.limits import LimitCheck, limit_check
from chancery.outreach.platforms import Platform


@dataclass(frozen=True, slots=True)
class Preview:
    """One language version checked against one platform (``handle`` set when it is a target account)."""

    language: str
    handle: str
    check: LimitCheck


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """What a preview needs to know about an account: platform, handle, language and reported limit."""

    platform: str
    handle: str
    language: str
    max_characters: int | None = None


def previews_build(*, texts: dict[str, str], targets: list[TargetSpec]) -> list[Preview]:
    """Return the checks of each target account's language version, then of every platform for both texts.

    The target rows decide what is refused; the generic rows show how each version would fare on every
    platform Chancery knows (X and Facebook included, though they have no publishing connector).
    """
    rows = [
        Preview(
            language=target.language,
            handle=target.handle,
            check=limit_check(target.platform, texts[target.language], max_characters=target.max_characters),
        )
        for target in targets
    ]
    for language, text in texts.items():
        rows.extend(Preview(language=language, handle="", check=limit_check(platform, text)) for platform in Platform)
    return rows


def target_errors(previews: list[Preview]) -> dict[str, list[str]]:
    """Return, per text field (``text_vi``/``text_en``), the target accounts a version does not fit."""
    errors: dict[str, list[str]] = {}
    for preview in previews:
        if preview.handle and not preview.check.ok:
            errors.setdefault(f"text_{preview.language}", []).append(
                f"{preview.check.platform} {preview.handle}: {preview.check.length}/{preview.check.limit}"
                f" {preview.check.unit}"
                + (
                    f", {preview.check.byte_length}/{preview.check.byte_limit} bytes"
                    if preview.check.byte_limit
                    else ""
                )
            )
    return errors
