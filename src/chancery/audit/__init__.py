"""Append-only audit events: who did what to which object, when, from where, with what outcome."""
