"""Chat channels: per unit, per mission, per topic, and direct messages."""
