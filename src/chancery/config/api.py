"""The one NinjaAPI, mounted at ``/api/v1/``; its OpenAPI 3.1 document is at ``/api/v1/openapi.json``.

Domains expose a Ninja ``Router`` named ``router`` in their ``api.py``; list it in ``DOMAIN_ROUTERS``.
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from chancery.platform.api.setup import ChanceryAPI
from chancery.resilience.unavailable import install_fault_handlers

DOMAIN_ROUTERS: list[tuple[str, str]] = [
    ("/", "chancery.identity.api.router"),
    ("/agreements", "chancery.agreements.api.router"),
    ("/risk", "chancery.risk.api.router"),
    ("/audit", "chancery.audit.api.router"),
    ("/missions", "chancery.missions.api.router"),
    ("/tlog", "chancery.transparency.api.router"),
    ("/vault", "chancery.vault.api.router"),
    ("/cables", "chancery.cables.api.router"),
    ("/meetings", "chancery.meetings.api.router"),
    ("/intelligence", "chancery.intelligence.api.router"),
    ("/chat", "chancery.chat.api.router"),
    ("/threatintel", "chancery.threatintel.api.router"),
    ("/awareness", "chancery.awareness.api.router"),
    ("/outreach", "chancery.outreach.api.router"),
    ("/webhooks", "chancery.resilience.webhooks.api.router"),
    ("/monitoring", "chancery.resilience.monitoring.api.router"),
]
"""(prefix, dotted path of a Router) for every domain's API; only modules that exist are listed."""


def _mount_domain_routers(target: NinjaAPI) -> None:
    """Mount every router listed in :data:`DOMAIN_ROUTERS` on ``target``."""
    for prefix, dotted in DOMAIN_ROUTERS:
        target.add_router(prefix, import_string(dotted))


api = ChanceryAPI()
_mount_domain_routers(api)
install_fault_handlers(api)
