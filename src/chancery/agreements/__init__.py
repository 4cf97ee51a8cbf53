"""The agreements workspace: agreements, parties, per-party dated events with sources, derived status."""
