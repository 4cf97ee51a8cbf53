"""Chancery: a secure, self-hosted platform for a ministry of foreign affairs and its missions."""
