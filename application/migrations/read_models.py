"""What a revision that changes a read model's tables calls: the read model starts again from position 0."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op


def reset_read_model(name: str, tables: Sequence[str]) -> None:
    """Empty ``tables`` and set the read model ``name`` back to position 0, in the revision's transaction.

    Any projection worker then replays it from the first event; ``gridledger db upgrade`` does so at once and
    shows the progress (it learns the name from the ``reset_read_models`` list filled here).
    """
    for table in tables:
        op.execute(sa.text(f"DELETE FROM {table}"))
    reset = op.get_bind().execute(
        sa.text(
            "UPDATE gridledger_projection_tracking SET position = 0, status = 'running', error = NULL "
            "WHERE name = :name"
        ),
        {"name": name},
    )
    if reset.rowcount:  # a fresh database has nothing to replay
        context.config.attributes["reset_read_models"].append(name)
