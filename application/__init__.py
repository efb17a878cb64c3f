"""The gridledger application layer: commands, authorisation, idempotency, time limits."""
