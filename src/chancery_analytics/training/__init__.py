"""Training code for the committed enrichment models (needs scikit-learn and the shared development data)."""
