"""Aggregates and read-model rows as the JSON shapes of API.md (their schemas: ``interface/schemas``).

``<resource>.py`` presents an aggregate as the event store has it (state, history: command answers and reads
by id); ``<resource>_rows.py`` presents the rows of a read model (the lists). Times: ``times.local_iso``.
"""
