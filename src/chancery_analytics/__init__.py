"""Pure-Python analytics (no Django): ingestion, NLP and forecasting, filled in by the intelligence work."""
