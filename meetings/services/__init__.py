"""Writes of the meetings domain, one module per area."""
