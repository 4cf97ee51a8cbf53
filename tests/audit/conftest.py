"""Audit test fixtures: transactional tests here may leave audit rows for the flush."""

from tests.audit.flush import audit_rows_flushable  # noqa: F401
