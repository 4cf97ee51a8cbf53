"""The per-user live event stream: persisted events and a server-sent events view."""
