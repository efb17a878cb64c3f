"""The grid-governance domain: aggregates, their events, value types and rules (no I/O)."""
