"""Let pytest-django flush the audit table after transactional tests, despite the append-only triggers.

A ``TransactionTestCase`` (``django_db(transaction=True)``, ``transactional_db``, ``live_server``) empties
every table after the test with ``DELETE`` (SQLite) or ``TRUNCATE`` (PostgreSQL), which the triggers
refuse once an audit row exists. This fixture drops the triggers just before that flush; tests that
check the triggers reinstall them (:func:`append_only_install` is idempotent). Import it in the root
``conftest.py`` so that it applies to the whole suite::

    from tests.audit.flush import audit_rows_flushable  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return by_marker or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def audit_rows_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Drop the audit triggers after a transactional test, before pytest-django flushes the tables."""
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so that its flush runs after our teardown
    yield
    from django.db import connections

    from chancery.audit.triggers import append_only_remove

    for connection in connections.all():
        append_only_remove(connection)
