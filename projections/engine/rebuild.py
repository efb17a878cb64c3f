"""Rebuilding read models: drop them, replay every event, build their indexes — in several processes at once.

Each projection keeps its own tracking position and its own tables, so projections rebuild independently:
on PostgreSQL the rebuild splits them into groups and replays each group in its own process (Python is
single-threaded per process; a rebuild is CPU-bound in decoding and row building). Exactly-once holds per
projection as in the worker: rows and position commit together. A crash leaves a projection part-way; running
the rebuild again starts it from zero. SQLite has one writer at a time, so there it runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from eventsourcing.persistence import Mapper
from sqlalchemy import Table, func, select

from projections.engine.runner import Projection, ProjectionEngine
from projections.engine.service import Ledger, ProjectionService, read_model_engine

OpenLedger = Callable[[], Ledger]  # picklable (a spawned child opens its own)
ReadModels = Callable[[], Sequence[Projection]]  # picklable: every read model, made afresh

# Relative cost per event of replaying and indexing, as the projection benchmark finds it: the audit log and
# the case list write a row for nearly every event and carry the most indexes, the work queues fewer; the others
# touch few events. Balances the groups.
WEIGHTS = {"audit_log": 3.0, "case_list": 2.8, "work_queues": 1.1}
DEFAULT_WEIGHT = 0.3
POLL_SECONDS = 0.2
YOUNG_COLLECTION_THRESHOLD = 50_000  # allocations between collections of young objects (Python's default: 700)


class RebuildFailed(Exception):
    """A rebuild process died (not a projection stopping on a bad event: that is reported by its status)."""


@dataclass(frozen=True)
class RebuildResult:
    names: list[str]
    events: int
    seconds: float
    jobs: int

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def default_jobs(database_url: str, names: Sequence[str]) -> int:
    if database_url.startswith("sqlite"):
        return 1
    return max(1, min(os.cpu_count() or 1, len(names), 4))


def groups_for(names: Sequence[str], jobs: int) -> list[list[str]]:
    """``names`` split into at most ``jobs`` groups of about equal replay cost (heaviest first, to the lightest)."""
    groups: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(names))))]
    loads = [0.0] * len(groups)
    for name in sorted(names, key=lambda n: -WEIGHTS.get(n, DEFAULT_WEIGHT)):
        lightest = loads.index(min(loads))
        groups[lightest].append(name)
        loads[lightest] += WEIGHTS.get(name, DEFAULT_WEIGHT)
    return [group for group in groups if group]


def rebuild(
    open_ledger: OpenLedger,
    read_models: ReadModels,
    names: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    batch_size: int = 2000,
    on_progress: Callable[[int, int], None] | None = None,
) -> RebuildResult:
    """Drop ``names`` (default: all), replay the whole store into them and build their indexes.

    ``on_progress(position, head)`` is called once with position 0 before replaying, then as the slowest of
    them moves on.
    """
    ledger = open_ledger()
    forget_erased_people(ledger)
    database_url = ledger.settings.database_url
    projections = ProjectionService(ledger, read_models(), batch_size=batch_size)
    engine = projections.engine
    try:
        names = list(names or engine.projections)
        unknown = [name for name in names if name not in engine.projections]
        if unknown:
            raise KeyError(f"unknown projection {unknown[0]!r}; known: {', '.join(engine.projections)}")
        jobs = default_jobs(database_url, names) if jobs is None else jobs
        if database_url.startswith("sqlite"):
            jobs = 1  # one writer at a time: more processes would only queue for the lock
        groups = groups_for(names, jobs)
        engine.reset(names, without_indexes=True)
        head = engine.head()
        if on_progress:
            on_progress(0, head)  # the real total before any work, so a progress bar never starts at 0/1
        started = time.perf_counter()
        if len(groups) == 1:

            def report(_: int) -> None:
                if on_progress:
                    on_progress(_slowest(engine, names), head)

            with fewer_collections():
                engine.catch_up(names, on_batch=report)
            engine.create_indexes(names)
        else:
            _in_processes(open_ledger, read_models, groups, batch_size, engine, head, on_progress, ledger)
        seconds = time.perf_counter() - started
        return RebuildResult(names, _events_up_to(engine, head), seconds, len(groups))
    finally:
        projections.close()
        ledger.datastore.engine.dispose()


def _in_processes(
    open_ledger: OpenLedger,
    read_models: ReadModels,
    groups: list[list[str]],
    batch_size: int,
    engine: ProjectionEngine,
    head: int,
    on_progress: Callable[[int, int], None] | None,
    ledger: Ledger,
) -> None:
    """One child per group. Forked when this process runs no other thread (the command line): a child then
    starts at once with the modules, the mapper and the table definitions already here — the connection
    pools are emptied first, so no connection is ever shared. Otherwise (a server, a test run) a fresh
    interpreter is spawned, which repeats the imports and set-up in every child."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        engine.engine.dispose()
        ledger.datastore.engine.dispose()
        context = multiprocessing.get_context("fork")
        database_url = ledger.settings.database_url
        jobs = [(replay_forked, (engine, read_models, database_url, group)) for group in groups]
    else:
        context = multiprocessing.get_context("spawn")
        jobs = [(replay_group, (open_ledger, read_models, group, batch_size)) for group in groups]
    processes = [
        context.Process(target=target, args=args, name=f"rebuild-{'+'.join(group)}")
        for (target, args), group in zip(jobs, groups, strict=True)
    ]
    for process in processes:
        process.start()
    try:
        names = [name for group in groups for name in group]
        while any(process.is_alive() for process in processes):
            time.sleep(POLL_SECONDS)
            if on_progress:
                on_progress(_slowest(engine, names), head)
    finally:
        for process in processes:
            process.join(timeout=None if process.exitcode is not None else 5)
            if process.is_alive():
                process.kill()
    died = [f"{process.name} (exit code {process.exitcode})" for process in processes if process.exitcode != 0]
    if died:
        raise RebuildFailed(f"rebuild process died: {', '.join(died)}; run the rebuild again")


def replay_group(open_ledger: OpenLedger, read_models: ReadModels, names: list[str], batch_size: int) -> None:
    """In a spawned child: replay ``names`` (already reset, without indexes) to the head, then index them."""
    ledger = open_ledger()
    forget_erased_people(ledger)
    try:
        table, url = ledger.recorder.events_record_cls.__table__, ledger.settings.database_url
        _replay(table, ledger.mapper, read_models, url, names, batch_size)
    finally:
        ledger.datastore.engine.dispose()


def replay_forked(parent: ProjectionEngine, read_models: ReadModels, database_url: str, names: list[str]) -> None:
    """In a forked child: the same, with the parent's table and mapper and a connection pool of its own."""
    _replay(parent.events_table, parent.mapper, read_models, database_url, names, parent.batch_size)


def _replay(
    events_table: Table, mapper: Mapper, read_models: ReadModels, database_url: str, names: list[str], batch_size: int
) -> None:
    db = read_model_engine(database_url)
    try:
        engine = ProjectionEngine(db, events_table, mapper, read_models(), batch_size=batch_size)
        engine.rebuilding.update(names)
        with fewer_collections():
            engine.catch_up(names)
        engine.create_indexes(names)
    finally:
        db.dispose()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run a replay with the cyclic garbage collector mostly out of the way.

    A replay allocates millions of short-lived dicts and tuples (decoded events, rows) and makes no cycles
    worth finding; with the default threshold the collector ran every 700 allocations, a share of a rebuild
    spent finding nothing. The objects that exist when it starts (modules, tables) are frozen out of its scans.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _slowest(engine: ProjectionEngine, names: Sequence[str]) -> int:
    positions = engine.positions(names)
    return min(positions.get(name, 0) for name in names)


def _events_up_to(engine: ProjectionEngine, head: int) -> int:
    table = engine.events_table
    with engine.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table).where(table.c.id <= head)).scalar_one()


def forget_erased_people(ledger: object) -> None:
    """Before replaying: the ledger's keys and erased lookups as the store holds them now, so that a rebuild
    decodes the people erased (even by another process since this one loaded them) as "[已删除]"."""
    forget = getattr(ledger, "forget_erased_people", None)  # GridLedger's; the projections do not import it
    if forget is not None:
        forget()
