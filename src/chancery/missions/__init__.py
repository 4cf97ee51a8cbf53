"""Organisations (the ministry, its departments, missions abroad, external stakeholders) and compartments."""
