"""Enrichment as pure batch functions: language, normalisation, countries, sentiment, events, politics, topic."""
