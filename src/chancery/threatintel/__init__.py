"""Threat-intelligence sharing: STIX 2.1 objects, TLP markings, and a TAXII 2.1 server and client."""
