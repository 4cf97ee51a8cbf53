"""The one policy engine: every access decision in Chancery is made here.

Each domain registers its rules in its ``permissions.py``::

    @access.rule("missions.view", scope="read")
    def can_view(actor: Actor, organisation: Organisation) -> bool: ...

    @access.visibility("missions.view")
    def visible_organisations(actor: Actor, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]: ...

and pages, the API, the CLI and tasks ask the engine::

    access.require(actor, "missions.view", organisation)   # raises PermissionDenied / NotFound
    access.visible(actor, "missions.view", Organisation.objects.all())

Deny by default: an unknown action, an anonymous actor, or an API token without the action's scope is
refused before any rule runs.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.apps import apps
from django.db.models import Model, QuerySet

from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound, PermissionDenied

ScopeKind = Literal["read", "write", "admin"]
Rule = Callable[[Actor, Any], bool]
Visibility = Callable[[Actor, QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True, slots=True)
class RegisteredRule:
    """A rule with the token scope it needs and whether a refusal hides the object (404)."""

    action: str
    check: Rule
    scope: ScopeKind
    hide_on_deny: bool


_rules: dict[str, RegisteredRule] = {}
_visibility: dict[str, Visibility] = {}


class RuleAlreadyRegistered(RuntimeError):
    """Two rules claimed the same action name."""


def rule(action: str, *, scope: ScopeKind, hide_on_deny: bool = False) -> Callable[[Rule], Rule]:
    """Register ``check`` as the rule for ``action`` (``"<domain>.<verb>"``).

    ``scope`` is what an API token must carry (``"<domain>:<scope>"``); ``hide_on_deny`` makes a
    refusal look like a missing object, for objects whose existence is itself sensitive.
    """
    if "." not in action:
        msg = f"action {action!r} must be '<domain>.<verb>'"
        raise ValueError(msg)

    def register(check: Rule) -> Rule:
        if action in _rules and _rules[action].check is not check:
            msg = f"a rule for {action!r} is already registered"
            raise RuleAlreadyRegistered(msg)
        _rules[action] = RegisteredRule(action=action, check=check, scope=scope, hide_on_deny=hide_on_deny)
        return check

    return register


def visibility(action: str) -> Callable[[Visibility], Visibility]:
    """Register the queryset filter that limits listings for ``action`` to what the actor may see."""

    def register(scope_filter: Visibility) -> Visibility:
        _visibility[action] = scope_filter
        return scope_filter

    return register


def token_scope(action: str) -> str:
    """Return the API-token scope (``"<domain>:<read|write|admin>"``) that ``action`` needs."""
    registered = _rules.get(action)
    kind = registered.scope if registered else "admin"
    return f"{action.split('.', 1)[0]}:{kind}"


def can(actor: Actor, action: str, obj: object | None = None) -> bool:
    """Return True when ``actor`` may perform ``action`` on ``obj``; False for anything unknown."""
    registered = _rules.get(action)
    if registered is None or not actor.is_authenticated:
        return False
    if not actor.has_scope(token_scope(action)):
        return False
    return bool(registered.check(actor, obj))


def require(actor: Actor, action: str, obj: object | None = None) -> None:
    """Raise unless ``actor`` may perform ``action`` on ``obj``.

    Raises :class:`NotFound` for rules registered with ``hide_on_deny`` and :class:`PermissionDenied`
    otherwise; returns None when allowed.
    """
    if can(actor, action, obj):
        return
    registered = _rules.get(action)
    if registered is not None and registered.hide_on_deny and obj is not None:
        raise NotFound
    raise PermissionDenied


def visible[M: Model](actor: Actor, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """Return ``queryset`` narrowed to the rows ``actor`` may see under ``action`` (none by default)."""
    scope_filter = _visibility.get(action)
    if scope_filter is None or not actor.is_authenticated or not actor.has_scope(token_scope(action)):
        return queryset.none()
    return scope_filter(actor, queryset)


def registered_actions() -> list[str]:
    """Return every registered action name, sorted (for the rule tests and the security docs)."""
    return sorted(_rules)


def autodiscover() -> None:
    """Import ``permissions`` from every installed ``chancery.*`` app so its rules register."""
    for config in apps.get_app_configs():
        if not config.name.startswith("chancery."):
            continue
        module_name = f"{config.name}.permissions"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name)
