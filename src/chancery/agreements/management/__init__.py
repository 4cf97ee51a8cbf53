"""Management commands of the agreements workspace."""
