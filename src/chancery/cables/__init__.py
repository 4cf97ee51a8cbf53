"""Diplomatic cables: drafting, clearance, release, delivery and acknowledgement."""
