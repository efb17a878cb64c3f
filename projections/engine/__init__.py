"""The projection engine: everything about keeping read models that is not what one read model is.

events (reading and decoding the store in batches), folding (the load → fold → write loop, the shared folds),
bulk (binary COPY / bulk INSERT), tracking (positions, exactly once), runner (batches, failure isolation, the
worker), service (wiring to the application, wake-up), heartbeats and readiness, rebuild (in parallel). Every
PostgreSQL/SQLite difference of the projections is here.
"""
