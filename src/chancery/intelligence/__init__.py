"""Media intelligence: sources, enriched items, search, watchlists, alerts and daily briefs."""
