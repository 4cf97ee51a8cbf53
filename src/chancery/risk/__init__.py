"""Risk assessment: AI forecasts as drafts, reviewed by analysts before leadership sees them (issue 8)."""
