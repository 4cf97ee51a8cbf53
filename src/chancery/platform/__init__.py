"""Shared kernel: markings, the actor, the one policy engine, domain errors and page helpers."""
