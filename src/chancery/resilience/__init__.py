"""Resilience: encrypted backup and restore (more of issue 11 lands here: monitoring, webhooks)."""
