"""The one NinjaAPI, mounted at ``/api/v1/``; its OpenAPI 3.1 document is at ``/api/v1/openapi.json``.

Domains expose a Ninja ``Router`` named ``router`` in their ``api.py``; list it in ``DOMAIN_ROUTERS``.
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from chancery.platform.api.setup import ChanceryAPI

DOMAIN_ROUTERS: list[tuple[str, str]] = [
    ("/", "chancery.identity.api.router"),
    ("/agreements", "chancery.agreements.api.router"),
    ("/audit", "chancery.audit.api.router"),
    ("/missions", "chancery.missions.api.router"),
    ("/tlog", "chancery.transparency.api.router"),
    ("/vault", "chancery.vault.api.router"),
    ("/cables", "chancery.cables.api.router"),
]
"""(prefix, dotted path of a Router) for every domain's API; only modules that exist are listed."""


def _mount_domain_routers(target: NinjaAPI) -> None:
    """Mount every router listed in :data:`DOMAIN_ROUTERS` on ``target``."""
    for prefix, dotted in DOMAIN_ROUTERS:
        target.add_router(prefix, import_string(dotted))


api = ChanceryAPI()
_mount_domain_routers(api)
