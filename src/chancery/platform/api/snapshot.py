"""The committed OpenAPI snapshot (``docs/openapi.json``): render it and compare it with the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

API_PREFIX = "/api/v1/"
SNAPSHOT_PATH = Path(settings.PACKAGE_DIR).parent.parent / "docs" / "openapi.json"
REGENERATE_HINT = "chancery manage export_openapi"


def openapi_document() -> dict[str, Any]:
    """Return the API's OpenAPI document as served at ``/api/v1/openapi.json``."""
    from chancery.config.api import api

    return dict(api.get_openapi_schema(path_prefix=API_PREFIX))


def openapi_render(document: dict[str, Any] | None = None) -> str:
    """Return ``document`` (default: the current one) as the stable JSON text of the snapshot."""
    body = openapi_document() if document is None else document
    return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
