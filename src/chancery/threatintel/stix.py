"""STIX 2.1 validation, TLP markings and bundles, with the OASIS ``stix2`` library.

Every object that enters Chancery goes through :func:`stix_validate`: the library parses it as STIX 2.1
(no custom properties or types), and only the types listed in :data:`ALLOWED_TYPES` are kept.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import stix2
from stix2.exceptions import STIXError
from stix2.v21 import TLP_AMBER, TLP_GREEN, TLP_RED, TLP_WHITE

from chancery.platform.enums import TLP

SDO_TYPES = frozenset({"indicator", "observed-data", "malware", "threat-actor", "attack-pattern", "report", "sighting"})
"""The object types the issue names."""

SUPPORT_TYPES = frozenset(
    {"identity", "relationship", "marking-definition", "domain-name", "url", "email-addr", "file", "ipv4-addr"}
)
"""Types the named ones refer to (authors, relations, markings, observables)."""

ALLOWED_TYPES = SDO_TYPES | SUPPORT_TYPES
MAX_OBJECT_BYTES = 256 * 1024
MAX_BUNDLE_OBJECTS = 5000

# TLP 2.0 marking definitions published by OASIS (cti-stix-common-objects, tlp-2.0 extension).
TLP2_MARKINGS: dict[str, str] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": TLP.CLEAR,
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": TLP.GREEN,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": TLP.AMBER,
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": TLP.AMBER_STRICT,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": TLP.RED,
}
# TLP 1.0 marking definitions of STIX 2.1 section 7.2.1.4 (shipped by the stix2 library).
TLP1_MARKINGS: dict[str, str] = {
    TLP_WHITE.id: TLP.CLEAR,
    TLP_GREEN.id: TLP.GREEN,
    TLP_AMBER.id: TLP.AMBER,
    TLP_RED.id: TLP.RED,
}
MARKING_TLP = {**TLP1_MARKINGS, **TLP2_MARKINGS}
TLP_MARKING = {tlp: marking for marking, tlp in TLP2_MARKINGS.items()}
TLP_ORDER: list[str] = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


class StixInvalid(ValueError):
    """An object or bundle that is not valid STIX 2.1 or not accepted here (message safe to show)."""


@dataclass(frozen=True, slots=True)
class ValidObject:
    """A validated object: its canonical JSON, id, type, version and TLP (None when unmarked)."""

    body: dict[str, Any]
    stix_id: str
    stix_type: str
    version: str
    tlp: str | None


def tlp_of(marking_refs: list[str]) -> str | None:
    """Return the strictest TLP among ``marking_refs`` (None when no TLP marking is present)."""
    found = [MARKING_TLP[ref] for ref in marking_refs if ref in MARKING_TLP]
    if not found:
        return None
    return max(found, key=TLP_ORDER.index)


def stix_validate(raw: object) -> ValidObject:
    """Parse ``raw`` (a dict) as a STIX 2.1 object of an allowed type; raise :class:`StixInvalid` otherwise."""
    if not isinstance(raw, dict):
        raise StixInvalid("a STIX object must be a JSON object")
    stix_type = raw.get("type")
    if not isinstance(stix_type, str) or stix_type not in ALLOWED_TYPES:
        raise StixInvalid(f"type {str(stix_type)[:64]!r} is not accepted")
    if raw.get("spec_version") != "2.1":
        raise StixInvalid("spec_version must be 2.1")
    if len(json.dumps(raw)) > MAX_OBJECT_BYTES:
        raise StixInvalid("the object is too large")
    try:
        parsed = stix2.parse(raw, allow_custom=False, version="2.1")
    except (STIXError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StixInvalid(f"not valid STIX 2.1: {type(exc).__name__}") from None
    body: dict[str, Any] = json.loads(parsed.serialize())
    version = str(body.get("modified") or body.get("created") or "")
    if stix_type == "marking-definition" and body["id"] not in MARKING_TLP:
        raise StixInvalid("only TLP marking definitions are accepted")
    return ValidObject(
        body=body,
        stix_id=str(body["id"]),
        stix_type=stix_type,
        version=version,
        tlp=tlp_of(list(body.get("object_marking_refs", []))),
    )


def bundle_objects(raw: object) -> list[object]:
    """Return the ``objects`` of a STIX 2.1 bundle (a dict); raise :class:`StixInvalid` for anything else."""
    if not isinstance(raw, dict) or raw.get("type") != "bundle":
        raise StixInvalid("a bundle must be a JSON object of type 'bundle'")
    bundle_id = raw.get("id")
    if not isinstance(bundle_id, str) or not bundle_id.startswith("bundle--"):
        raise StixInvalid("the bundle needs an id 'bundle--<uuid>'")
    objects = raw.get("objects", [])
    if not isinstance(objects, list):
        raise StixInvalid("'objects' must be a list")
    if len(objects) > MAX_BUNDLE_OBJECTS:
        raise StixInvalid(f"a bundle holds at most {MAX_BUNDLE_OBJECTS} objects")
    return list(objects)


def bundle_make(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a STIX 2.1 bundle of ``objects`` (already validated dicts) with a fresh id."""
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


def tlp_marking_object(tlp: str) -> dict[str, Any] | None:
    """Return the TLP 2.0 marking-definition object for ``tlp`` as published by OASIS, if one exists."""
    marking_id = TLP_MARKING.get(tlp)
    if marking_id is None:
        return None
    name = "TLP:" + tlp
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2022-10-01T00:00:00.000Z",
        "name": name,
        "extensions": {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                "extension_type": "property-extension",
                "tlp_2_0": tlp.lower(),
            }
        },
    }
