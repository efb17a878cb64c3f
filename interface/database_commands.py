"""What ``gridledger db upgrade`` does; ``serve`` and ``projections run`` do the same before they start."""

from __future__ import annotations

from collections.abc import Callable

from application.ledger import GridLedger
from application.settings import Settings

Echo = Callable[[str], None]


def upgrade_database(settings: Settings, *, echo: Echo) -> None:
    """Bring the schema to the newest revision (idempotent, under a lock) and replay any read model whose
    tables a revision changed, with its progress shown."""
    from interface.projection_commands import rebuild

    ledger = GridLedger(settings)  # a ledger upgrades the schema as it opens the store
    report = ledger.schema_report
    ledger.datastore.engine.dispose()
    for line in report.lines():
        echo(line)
    for name in report.reset_read_models:
        rebuild(settings, name, batch_size=2000, jobs=None, echo=echo)
