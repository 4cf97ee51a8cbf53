"""The TAXII 2.1 client: pull a partner's collection into a local one (scheduled, or on demand).

The partner's server sits behind :class:`TaxiiSource`; :class:`Taxii2ClientSource` speaks TAXII 2.1
with the OASIS ``taxii2-client`` library. Each pull asks for objects added after the last pull's
``X-TAXII-Date-Added-Last`` and follows ``next`` until ``more`` is false.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.identity.crypto import secret_decrypt, secret_encrypt
from chancery.missions.selectors import partner_organisation_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, PartnerFeed
from chancery.threatintel.services import stix_objects_ingest

TOKEN_PURPOSE = b"chancery/threatintel/feed-token/v1"
PAGE_SIZE = 500
MAX_PAGES = 200


@dataclass(frozen=True, slots=True)
class Page:
    """One page pulled from a partner: its objects and the date added of its last object."""

    objects: list[dict[str, Any]]
    last_added: str


class TaxiiSource(Protocol):
    """Where a feed's objects come from."""

    def pages(self, *, added_after: str) -> Iterator[Page]:
        """Yield pages of objects added after ``added_after`` ("" for everything)."""
        ...


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class _TrustAdapter(requests.adapters.HTTPAdapter):
    """Verifies partner certificates against the system roots plus ``CHANCERY_CA_BUNDLE``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        from chancery.platform.tls import client_ssl_context

        kwargs["ssl_context"] = client_ssl_context()
        super().init_poolmanager(*args, **kwargs)


class Taxii2ClientSource:
    """A partner's TAXII 2.1 collection, read with the OASIS ``taxii2-client`` library."""

    def __init__(self, *, collection_url: str, token: str) -> None:
        self.collection_url = collection_url if collection_url.endswith("/") else collection_url + "/"
        self.token = token

    def pages(self, *, added_after: str) -> Iterator[Page]:
        """Yield the collection's pages (``added_after``, ``limit`` and ``next``), newest last."""
        from taxii2client.common import _HTTPConnection
        from taxii2client.v21 import Collection as RemoteCollection
        from taxii2client.v21 import as_pages

        seen: list[str] = []

        def remember(response: requests.Response, *_args: object, **_kwargs: object) -> None:
            seen.append(response.headers.get("X-TAXII-Date-Added-Last", ""))

        conn = _HTTPConnection(auth=_Bearer(self.token), version="2.1")
        conn.session.mount("https://", _TrustAdapter())
        conn.session.hooks["response"].append(remember)
        remote = RemoteCollection(self.collection_url, conn=conn)
        filters: dict[str, Any] = {"added_after": added_after} if added_after else {}
        last = added_after
        for count, envelope in enumerate(as_pages(remote.get_objects, per_request=PAGE_SIZE, **filters)):
            if count >= MAX_PAGES:
                break
            objects = envelope.get("objects", []) if isinstance(envelope, dict) else []
            last = (seen[-1] if seen else "") or last
            yield Page(objects=list(objects), last_added=last)


def feed_create(
    *, actor: Actor, name: str, collection_url: str, token: str, partner_id: int, target: Collection
) -> PartnerFeed:
    """Configure a partner collection to pull into ``target``.

    Needs ``threatintel.manage``; ``collection_url`` must be an http(s) URL ending at a collection. The
    token is stored encrypted (AES-256-GCM, key derived from ``SECRET_KEY``). Emits
    ``threatintel.feed_created`` (never the token). ``partner_id`` must be a partner organisation.
    """
    access.require(actor, "threatintel.manage")
    if not collection_url.startswith(("https://", "http://")):
        raise InvalidInput(_("The feed could not be saved."), errors={"collection_url": [_("Give an http(s) URL.")]})
    if not name.strip():
        raise InvalidInput(_("The feed could not be saved."), errors={"name": [_("Give a name.")]})
    if not partner_organisation_list(actor=actor).filter(pk=partner_id).exists():
        raise InvalidInput(_("The feed could not be saved."), errors={"partner": [_("Choose a partner organisation.")]})
    with transaction.atomic():
        feed = PartnerFeed.objects.create(
            name=name.strip()[:200],
            collection_url=collection_url,
            token=secret_encrypt(token, purpose=TOKEN_PURPOSE) if token else "",
            partner_id=partner_id,
            target=target,
        )
        audit_record(
            actor=actor,
            action="threatintel.feed_created",
            object_type="threatintel.feed",
            object_id=feed.pk,
            detail={"partner_id": partner_id, "collection_id": target.pk},
        )
    return feed


def feed_pull(*, actor: Actor, feed: PartnerFeed, source: TaxiiSource | None = None) -> int:
    """Pull the feed's new objects into its target collection; return how many versions were added.

    Needs ``threatintel.manage``. Objects are validated and de-duplicated by the ingest service and keep
    the partner as their provenance; a failure (network, protocol) is recorded on the feed and audited as
    ``threatintel.feed_pulled`` with outcome ``failure``, never raised.
    """
    access.require(actor, "threatintel.manage")
    added = 0
    cursor = feed.added_after
    error = ""
    try:
        token = secret_decrypt(feed.token, purpose=TOKEN_PURPOSE) if feed.token else ""
        remote = source or Taxii2ClientSource(collection_url=feed.collection_url, token=token)
        for page in remote.pages(added_after=cursor):
            if page.objects:
                result = stix_objects_ingest(
                    actor=actor,
                    collection=feed.target,
                    objects=list(page.objects),
                    source=Source.TAXII_PULL,
                    source_detail=f"{feed.partner.code}: {feed.collection_url}",
                )
                added += len(result.added)
            cursor = page.last_added or cursor
    except Exception as exc:  # noqa: BLE001 - any failure of the partner's server is recorded, not raised
        error = type(exc).__name__
    with transaction.atomic():
        PartnerFeed.objects.filter(pk=feed.pk).update(
            added_after=cursor, last_pulled_at=timezone.now(), last_error=error
        )
        audit_record(
            actor=actor,
            action="threatintel.feed_pulled",
            outcome=Outcome.FAILURE if error else Outcome.SUCCESS,
            object_type="threatintel.feed",
            object_id=feed.pk,
            detail={"added": added, "error": error},
        )
    feed.refresh_from_db()
    return added


def feeds_pull_all(*, actor: Actor) -> int:
    """Pull every active feed; return the number of object versions added. Needs ``threatintel.manage``."""
    access.require(actor, "threatintel.manage")
    feeds = PartnerFeed.objects.filter(is_active=True).select_related("partner", "target")
    return sum(feed_pull(actor=actor, feed=feed) for feed in feeds)
