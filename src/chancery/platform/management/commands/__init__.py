"""``chancery manage export_openapi`` and friends."""
