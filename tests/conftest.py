"""Shared fixtures: users in every role, organisations, and API clients."""
