"""The read models gridledger keeps, and running them against the ledger's event store.

A new read model: a module with its tables, its pure fold (``projections.engine.folding.Fold``) or row per event,
its ``read_model`` declaration and its queries (paged by ``projections.paging.one_page``); listed here; a migration
in application/migrations/versions that makes its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from projections import audit_log, case_list, households, meetings, patrols, statistics, work_queues
from projections.engine.rebuild import RebuildResult
from projections.engine.rebuild import rebuild as rebuild_read_models
from projections.engine.runner import Projection
from projections.engine.service import Ledger, ProjectionService

# Which read models answer which API reads (for min_position waits).
CASE_LIST, WORK_QUEUES, AUDIT_LOG, MEETINGS = "case_list", "work_queues", "audit_log", "meetings"
HOUSEHOLDS, PATROLS, STATISTICS = "households", "patrols", "statistics"


def all_projections() -> list[Projection]:
    """Every read model (the engine decides the order a batch is applied in)."""
    return [
        case_list.read_model,
        work_queues.read_model,
        audit_log.read_model,
        meetings.read_model,
        households.read_model,
        patrols.read_model,
        statistics.read_model,
    ]


class Projections(ProjectionService):
    """gridledger's read models (or ``projections``), kept up to date for ``ledger``."""

    def __init__(self, ledger: Ledger, *, projections: Sequence[Projection] | None = None, **options: Any) -> None:
        super().__init__(ledger, projections or all_projections(), **options)


def rebuild(open_ledger: Callable[[], Ledger], names: Sequence[str] | None = None, **options: Any) -> RebuildResult:
    """Drop ``names`` (default: every read model) and replay the store into them (``projections.engine.rebuild``);
    ``open_ledger`` opens the ledger (in each process of a parallel rebuild: a picklable callable)."""
    return rebuild_read_models(open_ledger, all_projections, names, **options)
