"""A URLconf that adds a test-only API (with a body-taking and a failing operation) to the real ones."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import Field, Router, Schema

from chancery.config.urls import urlpatterns as chancery_urlpatterns
from chancery.platform.api.auth import request_actor
from chancery.platform.api.setup import ChanceryAPI
from chancery.platform.errors import Conflict

router = Router()


class EchoIn(Schema):
    name: str = Field(max_length=20)
    count: int = Field(ge=0)


class EchoOut(Schema):
    name: str
    count: int
    by: str


@router.post("/echo", response=EchoOut)
def echo(request: HttpRequest, payload: EchoIn) -> dict[str, object]:
    return {"name": payload.name, "count": payload.count, "by": request_actor(request).username}


@router.get("/boom")
def boom(request: HttpRequest) -> None:
    request_actor(request)
    raise RuntimeError("internal secret: /srv/chancery/settings.py line 42")


@router.get("/conflict")
def conflict(request: HttpRequest) -> None:
    request_actor(request)
    raise Conflict("The cable was already released.")


test_api = ChanceryAPI(urls_namespace="api-test", docs_url=None, openapi_url=None)
test_api.add_router("", router)

urlpatterns = [path("api/test/", test_api.urls), *chancery_urlpatterns]
