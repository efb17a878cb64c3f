"""Read models built from the event store: each projection owns its tables, handlers and queries."""
