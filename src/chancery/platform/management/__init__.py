"""Management commands of the shared kernel."""
