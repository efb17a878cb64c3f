"""Projection throughput: rebuild rate, a library baseline, raw UPDATEs, lag under load, query latency.

One run on fresh PostgreSQL databases:

  synthetic  ``--events`` events of realistic case lifecycles (tests/benchmarks/synthetic.py)
  (R1) rebuild every read model (case list, work queues, audit log, meetings, households, patrols) from 0
               in this process: ``Projections(ledger, batch_size=2000)``, ``engine.reset(all, without_indexes)``,
               timed ``engine.catch_up()`` + ``create_indexes``; row counts checked afterwards, time split
               into reading+decoding and each projection
  (R) rebuild  the same as ``gridledger projections rebuild`` runs it: ``projections.registry.rebuild`` with the
               projections split over ``--jobs`` processes (default one per core, up to 4); rows checked again
  (a) library  eventsourcing's own ``ProjectionRunner`` with a ``PostgresTrackingRecorder`` view that
               folds each event into a case-list row (same columns, same fold as the case list) and
               records its tracking in the same transaction, one transaction per event, over the
               first ``--baseline-events`` events of the same store
  (b) raw      psycopg2 ``UPDATE … FROM (VALUES …)`` of as many rows as there are events, 1000 per
               statement and transaction, on a table of one row per case
  (L) lag      ``gridledger projections run`` as a subprocess while case commands run at ``--rate``
               per second for ``--lag-seconds``; a poller process reads the work_queues tracking
               position every 5 ms; lag = when a command's position became visible − when it returned
  (Q) queries  ``case_list.search`` and ``work_queues.queue_page`` on read models filled directly with
               ``--small-cases`` and ``--large-cases`` synthetic rows (then VACUUM ANALYZE); p50 of
               ``--query-runs`` runs each, the two sizes taking turns run by run

Usage::

    python -m tests.benchmarks.projection_throughput [--events 200000] [--lag-seconds 30] [--rate 200]
        [--large-cases 1000000] [--small-cases 10000]

The table goes to stdout, the numbers to ``tests/benchmarks/results/projection_throughput.json``.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import itertools
import json
import multiprocessing
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extras
from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL, Identifier
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from domain.read_scope import ReadScope
from interface.views.read_models import COUNT_LIMIT  # the API's own count cap
from projections.audit_log import audit
from projections.case_list import COLUMNS as CASE_LIST_COLUMNS
from projections.case_list import CaseFilters, search
from projections.case_list import cases as case_list_table
from projections.case_list import metadata as case_list_metadata
from projections.case_summary import fold
from projections.engine import runner as engine_module
from projections.engine.events import ENVELOPE, ProjectedEvent
from projections.engine.rebuild import default_jobs
from projections.meetings import meetings as meetings_table
from projections.registry import Projections
from projections.registry import rebuild as parallel_rebuild
from projections.work_queues import TERMINAL, queue_page
from projections.work_queues import items as work_queue_table
from projections.work_queues import metadata as work_queue_metadata
from tests.benchmarks.command_throughput import (
    connect_params,
    fresh_databases,
    git_state,
    library_env,
    server_settings,
)
from tests.benchmarks.synthetic import SyntheticStats, SyntheticTerritory, build_synthetic_territory, generate
from tests.support.percentiles import percentile

REPO = Path(__file__).resolve().parents[2]
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "projection_throughput.json"
TARGETS = {"R_events_per_second": 20_000, "R/a": 40.0, "lag_p99_ms": 250.0, "query_growth_max": 2.0}
LABELS = {
    "R": "(R) rebuild all read models, batch 2000, N procs",
    "R1": "(R1) the same in one process",
    "a": "(a) eventsourcing ProjectionRunner, 1 txn/event",
    "b": "(b) raw psycopg2 UPDATE..FROM VALUES x1000",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def profile_top(run: Callable[[], object], top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# -- (R) rebuild ----------------------------------------------------------------------------------
@dataclass
class Rebuild:
    events: int
    seconds: float
    rows: dict[str, int]
    expected: dict[str, int]
    statuses: dict[str, str]
    status_counts_match: bool
    breakdown: dict[str, float]
    audit_at_range: tuple[str, str]
    profile: str = field(default="", repr=False)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds

    @property
    def verified(self) -> bool:
        return (
            self.rows == self.expected
            and self.status_counts_match
            and all(s == "running" for s in self.statuses.values())
        )

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.events_per_second, 1),
            "rows": self.rows,
            "expected_rows": self.expected,
            "status_counts_match": self.status_counts_match,
            "projection_statuses": self.statuses,
            "verified": self.verified,
            "seconds_by_part": {k: round(v, 2) for k, v in self.breakdown.items()},
            "event_timestamps": {"first": self.audit_at_range[0], "last": self.audit_at_range[1]},
        }


def bench_rebuild(ledger: GridLedger, stats: SyntheticStats, profile_batches: int, jobs: int = 1) -> Rebuild:
    """``jobs`` 1: in this process, timed by part; more: ``projections.registry.rebuild`` as the command runs it."""
    projections = Projections(ledger, batch_size=2000)
    engine = projections.engine
    names = list(engine.projections)
    try:
        if jobs > 1:
            result = parallel_rebuild(partial(GridLedger, ledger.settings), names, jobs=jobs, batch_size=2000)
            return _verified(
                projections,
                stats,
                result.events,
                result.seconds,
                {"replay_and_indexes_wall": result.seconds, "processes": float(result.jobs)},
                "",
            )
        profile = ""
        if profile_batches:  # unmeasured, before the measured rebuild
            engine.reset(names)
            profile = profile_top(lambda: [engine.run_once(names) for _ in range(profile_batches)])
        engine.reset(names, without_indexes=True)  # as `gridledger projections rebuild` does
        # Time of reading+decoding (read_batch) and of each projection's transaction; the rest is the engine's.
        spent = dict.fromkeys(["read_and_decode", *(f"apply_{name}" for name in names), "advance_idle"], 0.0)
        apply, skip, read = engine._apply, engine._skip, engine_module.read_batch

        def timed_apply(projection: Any, batch: list[ProjectedEvent], **kwargs: Any) -> None:
            began = time.perf_counter()
            try:
                apply(projection, batch, **kwargs)
            finally:
                spent[f"apply_{projection.name}"] += time.perf_counter() - began

        def timed_skip(*args: Any, **kwargs: Any) -> None:
            began = time.perf_counter()
            try:
                skip(*args, **kwargs)
            finally:
                spent["advance_idle"] += time.perf_counter() - began

        def timed_read(*args: Any, **kwargs: Any) -> list[ProjectedEvent]:
            began = time.perf_counter()
            try:
                return read(*args, **kwargs)
            finally:
                spent["read_and_decode"] += time.perf_counter() - began

        engine._apply = timed_apply  # type: ignore[method-assign]
        engine._skip = timed_skip  # type: ignore[method-assign]
        engine_module.read_batch = timed_read
        try:
            started = time.perf_counter()
            events = engine.catch_up(names)
            replayed = time.perf_counter()
            engine.create_indexes(names)
            seconds = time.perf_counter() - started
        finally:
            del engine._apply, engine._skip
            engine_module.read_batch = read
        breakdown = {"replay_wall": replayed - started, **spent, "build_indexes": seconds - (replayed - started)}
        return _verified(projections, stats, events, seconds, breakdown, profile)
    finally:
        projections.close()


def _verified(
    projections: Projections,
    stats: SyntheticStats,
    events: int,
    seconds: float,
    breakdown: dict[str, float],
    profile: str,
) -> Rebuild:
    """The rebuild's result with its row counts checked against what the generator wrote."""
    engine = projections.engine
    with projections.db.connect() as connection:
        rows = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (audit, case_list_table, work_queue_table, meetings_table)
        }
        status_rows = connection.execute(
            select(case_list_table.c.status, func.count()).group_by(case_list_table.c.status)
        ).all()
        first, last = connection.execute(select(func.min(audit.c.at), func.max(audit.c.at))).one()
    expected = {
        "rm_audit_log": events,  # every stored event: the generator's and the territory's staff accounts
        "rm_case_list": stats.cases,
        "rm_work_queue": stats.open_cases,
        "rm_meetings": stats.meetings,
    }
    statuses = {s.name: s.status + (f": {s.error}" if s.error else "") for s in engine.statuses()}
    return Rebuild(
        events,
        seconds,
        rows,
        expected,
        statuses,
        dict(status_rows) == dict(stats.final_status),
        breakdown,
        (first.isoformat(), last.isoformat()),
        profile,
    )


# -- (a) the library's own projection runner ------------------------------------------------------
LIB_SCHEMA = "lib"
BASELINE_TABLE = "bl_case_list"


class LibraryGridLedger(Application):
    """The same event store read through eventsourcing.postgres (schema ``lib``: a view of the app's table)."""

    name = "GridLedger"


class CaseListView(PostgresTrackingRecorder):
    """A case-list table kept the library's way: per event, fold + upsert + tracking in one transaction."""

    stop_at = 0  # the notification id after which the benchmark has what it needs

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema, table = Identifier(datastore.schema), Identifier(BASELINE_TABLE)
        # Same columns, constraints and indexes as the case list (the rebuild maintains them too).
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {}.{} (LIKE public.rm_case_list INCLUDING ALL)").format(schema, table)
        )
        self.select_row = SQL("SELECT * FROM {}.{} WHERE id = %s").format(schema, table)
        columns = [Identifier(c) for c in CASE_LIST_COLUMNS]
        self.upsert = SQL("INSERT INTO {}.{} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}").format(
            schema,
            table,
            SQL(", ").join(columns),
            SQL(", ").join(SQL("%({})s").format(SQL(c)) for c in CASE_LIST_COLUMNS),
            SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(c) for c in columns[1:]),
        )
        self.grid_paths: dict[str, str] = {}
        self.processed = 0
        self.first_at = self.last_at = 0.0
        self.done = threading.Event()

    def apply(self, event: ProjectedEvent, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            if event.aggregate_type == "Case":
                row = None
                if event.type != "Reported":
                    curs.execute(self.select_row, (event.aggregate_id,), prepare=True)
                    row = curs.fetchone()
                summary = fold(dict(row) if row else None, event)
                if summary is not None:
                    summary["grid_path"] = self._grid_path(curs, summary["grid"])
                    curs.execute(self.upsert, {c: summary.get(c) for c in CASE_LIST_COLUMNS}, prepare=True)
            self._insert_tracking(curs, tracking)

    def _grid_path(self, curs: Any, code: str) -> str:
        if code not in self.grid_paths:
            curs.execute("SELECT path FROM public.gridledger_grids WHERE code = %s", (code,))
            row = curs.fetchone()
            self.grid_paths[code] = row["path"] if row else f"/?{code}/"
        return self.grid_paths[code]


class CaseListBaseline(Projection[CaseListView]):
    name = "CaseListBaseline"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        view = self.view
        view.apply(projected(domain_event, tracking.notification_id), tracking)
        view.processed += 1
        now = time.perf_counter()
        if view.processed == 1:
            view.first_at = now
        if tracking.notification_id >= view.stop_at and not view.done.is_set():
            view.last_at = now
            view.done.set()


def projected(domain_event: Any, position: int) -> ProjectedEvent:
    """The projections' view of a domain event (as projections/engine/events.py decodes a stored one)."""
    attributes = vars(domain_event)
    aggregate_type, _, event_type = type(domain_event).__qualname__.rpartition(".")
    return ProjectedEvent(
        position=position,
        aggregate_id=str(domain_event.originator_id),
        aggregate_type=aggregate_type,
        version=domain_event.originator_version,
        type=event_type,
        topic=f"{type(domain_event).__module__}:{type(domain_event).__qualname__}",
        at=attributes["timestamp"],
        actor=attributes.get("actor") or {},
        data={k: v for k, v in attributes.items() if k not in ENVELOPE},
    )


@dataclass
class Baseline:
    events: int
    seconds: float
    rows: int

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.events_per_second, 1),
            "rows_in_view": self.rows,
        }


def bench_library(url: str, events: int) -> Baseline:
    conn = psycopg2.connect(**connect_params(url))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {LIB_SCHEMA}")
        # eventsourcing.postgres reads (originator_id, originator_version, topic, state, notification_id);
        # the app's table calls the last one ``id``. A view renames it; no event is copied.
        cur.execute(
            f"CREATE VIEW {LIB_SCHEMA}.gridledger_events AS SELECT originator_id, originator_version, "
            "topic, state, id AS notification_id FROM public.gridledger_events"
        )
        cur.execute("SELECT id FROM gridledger_events ORDER BY id OFFSET %s LIMIT 1", (events - 1,))
        CaseListView.stop_at = cur.fetchone()[0]
    env = {
        **library_env(url),
        "POSTGRES_SCHEMA": LIB_SCHEMA,
        "GRIDLEDGER_CREATE_TABLE": "no",
    }  # the app's "table" is the view: don't create one
    runner = ProjectionRunner(
        application_class=LibraryGridLedger, projection_class=CaseListBaseline, view_class=CaseListView, env=env
    )
    view = runner.view
    with runner:
        if not view.done.wait(timeout=900):
            raise RuntimeError(f"the library runner did not reach {CaseListView.stop_at} in time")
    view.datastore.close()
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {LIB_SCHEMA}.{BASELINE_TABLE}")
        rows = cur.fetchone()[0]
    conn.close()
    # From the first event applied to the last: construction and subscription start-up not counted.
    return Baseline(events, view.last_at - view.first_at, rows)


# -- (b) raw psycopg2 -----------------------------------------------------------------------------
@dataclass
class RawUpdates:
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    def summary(self) -> dict[str, Any]:
        return {"rows": self.rows, "seconds": round(self.seconds, 3), "rows_per_second": round(self.rows_per_second, 1)}


def bench_raw(url: str, case_ids: list[str], rows: int, batch: int = 1000) -> RawUpdates:
    """UPDATE ``rows`` rows of a one-row-per-case table, ``batch`` distinct cases per statement and commit."""
    conn = psycopg2.connect(**connect_params(url))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE cases (id varchar(36) PRIMARY KEY, status varchar(16) NOT NULL, "
                "version integer NOT NULL, position bigint NOT NULL, "
                "updated_at timestamptz NOT NULL, due_at timestamptz)"
            )
            now = utc_now()
            psycopg2.extras.execute_values(
                cur, "INSERT INTO cases VALUES %s", [(i, "reported", 1, 0, now, None) for i in case_ids], page_size=5000
            )
            cur.execute("ANALYZE cases")
        conn.commit()
        statuses = ("accepted", "dispatched", "in_progress", "resolved", "closed")
        batches = []
        for start in range(0, rows, batch):
            batches.append(
                [
                    (
                        case_ids[n % len(case_ids)],
                        statuses[n % 5],
                        2 + n // len(case_ids),
                        n,
                        now + timedelta(seconds=n),
                        now + timedelta(days=1, seconds=n),
                    )
                    for n in range(start, min(start + batch, rows))
                ]
            )
        statement = (
            "UPDATE cases AS t SET status = v.status, version = v.version, position = v.position, "
            "updated_at = v.updated_at, due_at = v.due_at "
            "FROM (VALUES %s) AS v(id, status, version, position, updated_at, due_at) WHERE t.id = v.id"
        )
        template = "(%s, %s, %s, %s, %s::timestamptz, %s::timestamptz)"
        started = time.perf_counter()
        with conn.cursor() as cur:
            for values in batches:
                psycopg2.extras.execute_values(cur, statement, values, template=template, page_size=batch)
                conn.commit()
        return RawUpdates(rows, time.perf_counter() - started)
    finally:
        conn.close()


# -- (L) lag under load ---------------------------------------------------------------------------
STEPS = ("report", "accept", "dispatch", "claim", "note", "resolve", "follow_up", "close")


class Lifecycle:
    """Fresh cases taken through every command in turn, as the territory's staff."""

    def __init__(self, commands: CaseCommands, world: SyntheticTerritory) -> None:
        self.commands, self.world = commands, world
        t = world.territory
        self.worker, self.dispatcher, self.chengguan = t.staff["worker"], t.staff["dispatcher"], t.staff["chengguan"]
        self.department = t.department("chengguan")
        self.grid = t.grid("chayuan-01")
        self.step = 0
        self.case_id = ""

    def next(self) -> int:
        """Runs the next command; returns its event's global position."""
        c, name = self.commands, STEPS[self.step % len(STEPS)]
        self.step += 1
        if name == "report":
            outcome = c.report(
                self.worker,
                {
                    "title": "茶苑社区路灯不亮",
                    "description": "文公北路12号门前两盏路灯连续三晚不亮。",
                    "category": "municipal",
                    "channel": "grid_app",
                    "track": "general",
                    "grid": self.grid,
                    "location": {"address": "紫阳镇文公北路12号"},
                    "reporter": {"name": "居民", "phone": "13912345678"},
                },
            )
            self.case_id = outcome.id
        elif name == "accept":
            outcome = c.accept(self.dispatcher, self.case_id)
        elif name == "dispatch":
            outcome = c.dispatch(self.dispatcher, self.case_id, lead_department=self.department, co_departments=[])
        elif name == "claim":
            outcome = c.claim(self.chengguan, self.case_id)
        elif name == "note":
            outcome = c.note(self.chengguan, self.case_id, text="已到现场核实，正在协调施工方整改。")
        elif name == "resolve":
            outcome = c.resolve(self.chengguan, self.case_id, result="路灯已更换，恢复照明。")
        elif name == "follow_up":
            outcome = c.follow_up(self.dispatcher, self.case_id, satisfaction="satisfied", method="phone")
        else:
            outcome = c.close(self.dispatcher, self.case_id)
        return outcome.position


def poll_positions(params: dict[str, Any], name: str, interval: float, stop: Any, results: Any) -> None:
    """In its own process (no GIL shared with the command threads): when did each position appear?"""
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    observations: list[tuple[float, int]] = []
    polls, last = 0, None
    with conn.cursor() as cur:
        while not stop.is_set():
            cur.execute("SELECT position FROM gridledger_projection_tracking WHERE name = %s", (name,))
            position = cur.fetchone()[0]
            seen = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process
            polls += 1
            if position != last:
                observations.append((seen, position))
                last = position
            time.sleep(interval)
    conn.close()
    results.put((observations, polls))


@dataclass
class Lag:
    threads: int
    target_rate: float
    seconds: float
    commands: int
    failures: dict[str, int]
    lags_ms: list[float] = field(repr=False)
    unseen: int
    polls: int
    worker_log: str = field(default="", repr=False)

    @property
    def achieved_rate(self) -> float:
        return self.commands / self.seconds

    def percentile(self, q: float) -> float:
        return percentile(self.lags_ms, q)

    def summary(self) -> dict[str, Any]:
        return {
            "threads": self.threads,
            "target_rate": self.target_rate,
            "achieved_rate": round(self.achieved_rate, 1),
            "seconds": round(self.seconds, 2),
            "commands": self.commands,
            "failures": self.failures,
            "unseen_positions": self.unseen,
            "poll_interval_ms_achieved": round(1000 * self.seconds / max(self.polls, 1), 2),
            "p50_ms": round(self.percentile(0.50), 1),
            "p90_ms": round(self.percentile(0.90), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "max_ms": round(max(self.lags_ms, default=0), 1),
        }


WORKER = ("-c", "from interface.cli import main; main()", "projections", "run")


@contextmanager
def worker_process(database_url: str, program: tuple[str, ...] = WORKER) -> Iterator[subprocess.Popen[bytes]]:
    """``gridledger projections run`` (defaults: batch 1000, wake on NOTIFY), stopped with SIGTERM; ``program``:
    the interpreter's arguments for another worker that says "projection worker running" once it runs."""
    env = {**os.environ, "GRIDLEDGER_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.NamedTemporaryFile(prefix="gl-worker-", suffix=".log", delete=False) as log:
        log_path = log.name
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *program],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 60
        while b"projection worker running" not in Path(log_path).read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the projection worker did not start:\n{Path(log_path).read_text()}")
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_caught_up(url: str, name: str, timeout: float) -> bool:
    conn = psycopg2.connect(**connect_params(url))
    conn.autocommit = True
    deadline = time.monotonic() + timeout
    try:
        with conn.cursor() as cur:
            while True:
                cur.execute(
                    "SELECT (SELECT position FROM gridledger_projection_tracking WHERE name = %s) "
                    ">= (SELECT coalesce(max(id), 0) FROM gridledger_events)",
                    (name,),
                )
                if cur.fetchone()[0]:
                    return True
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
    finally:
        conn.close()


def probe_rate(commands: CaseCommands, world: SyntheticTerritory, n: int) -> float:
    """Unpaced single-thread commands per second (also warms the caches)."""
    lifecycle = Lifecycle(commands, world)
    started = time.perf_counter()
    for _ in range(n):
        lifecycle.next()
    return n / (time.perf_counter() - started)


def bench_lag(
    url: str, ledger: GridLedger, world: SyntheticTerritory, *, rate: float, seconds: float, threads: int
) -> Lag:
    commands = CaseCommands(ledger)
    context = multiprocessing.get_context("fork")
    stop_polling, polled = context.Event(), context.Queue()
    with worker_process(url) as worker:
        if not wait_caught_up(url, "work_queues", 120):
            raise RuntimeError("the worker did not catch up before the load")
        poller = context.Process(
            target=poll_positions, args=(connect_params(url), "work_queues", 0.005, stop_polling, polled)
        )
        poller.start()
        time.sleep(0.5)
        records: list[tuple[int, float]] = []
        failures: dict[str, int] = {}
        lock = threading.Lock()
        started = time.monotonic() + 0.1
        ends = started + seconds

        def drive(k: int) -> None:
            lifecycle, interval = Lifecycle(commands, world), threads / rate
            mine: list[tuple[int, float]] = []
            for i in itertools.count():
                due = started + i * interval + k / rate
                if due >= ends:
                    break
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                try:
                    position = lifecycle.next()
                except Exception as error:  # noqa: BLE001 - count it and start a fresh case
                    with lock:
                        failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
                    lifecycle.step = 0
                    continue
                mine.append((position, time.monotonic()))
            with lock:
                records.extend(mine)

        drivers = [threading.Thread(target=drive, args=(k,)) for k in range(threads)]
        for thread in drivers:
            thread.start()
        for thread in drivers:
            thread.join()
        finished = max((t for _, t in records), default=ends)
        caught_up = wait_caught_up(url, "work_queues", 60)
        time.sleep(0.1)
        stop_polling.set()
        observations, polls = polled.get(timeout=60)
        poller.join(timeout=10)
        log = Path(worker.log_path).read_text(errors="replace")  # type: ignore[attr-defined]
    os.unlink(worker.log_path)  # type: ignore[attr-defined]
    if not caught_up:
        failures["worker_not_caught_up_60s_after_load"] = 1
    seen_at = [t for t, _ in observations]
    seen_positions = [p for _, p in observations]
    lags, unseen = [], 0
    for position, committed in records:
        index = bisect.bisect_left(seen_positions, position)
        if index == len(seen_positions):
            unseen += 1
            continue
        lags.append(max(0.0, seen_at[index] - committed) * 1000)
    return Lag(threads, rate, finished - started, len(records), failures, lags, unseen, polls, log)


# -- (Q) query latency ----------------------------------------------------------------------------
QUERY_NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
TOWNS, COMMUNITIES, GRIDS, DEPARTMENT_COUNT = 4, 10, 25, 20  # 4 × 10 × 25 = 1,000 grids
TOWN_PATH = "/county/town-1/"
COMMUNITY_PATH = "/county/town-1/comm-1-03/"
DEPARTMENT = "dept-03"
CATEGORIES = (
    "safety_hazard",
    "dispute",
    "sanitation",
    "parking",
    "public_order",
    "municipal",
    "livelihood",
    "instability",
    "collective_petition",
    "crime_lead",
    "other",
)

FILL_CASE_LIST = """
INSERT INTO rm_case_list ({columns})
WITH base AS (
    SELECT g, random() AS r_status, random() AS r_grid, random() AS r_dept, random() AS r_co,
           random() AS r_time, random() AS r_cat, random() AS r_misc
    FROM generate_series(1, %(n)s) AS g
), s AS (
    SELECT *,
        CASE WHEN r_status < 0.87 THEN 'closed' WHEN r_status < 0.89 THEN 'rejected'
             WHEN r_status < 0.90 THEN 'merged' WHEN r_status < 0.92 THEN 'reported'
             WHEN r_status < 0.935 THEN 'accepted' WHEN r_status < 0.955 THEN 'dispatched'
             WHEN r_status < 0.985 THEN 'in_progress' ELSE 'resolved' END AS status,
        floor(r_grid * 1000)::int AS gi,
        (%(categories)s::text[])[1 + floor(r_cat * 11)::int] AS category,
        CASE WHEN r_misc < 0.25 THEN 'instant' ELSE 'general' END AS track,
        'dept-' || lpad(floor(r_dept * r_dept * %(departments)s)::int::text, 2, '0') AS dept,
        'dept-' || lpad(floor(r_co * %(departments)s)::int::text, 2, '0') AS co_dept
    FROM base
), t AS (
    SELECT *,
        CASE WHEN status IN ('closed', 'rejected', 'merged')
             THEN %(now)s::timestamptz - r_time * interval '730 days'
             ELSE %(now)s::timestamptz - r_time * r_time * interval '14 days' END AS created,
        'town-' || (1 + gi / 250) AS town,
        'comm-' || (1 + gi / 250) || '-' || lpad((1 + (gi / 25) %% 10)::text, 2, '0') AS community,
        'grid-' || (1 + gi / 250) || '-' || lpad((1 + (gi / 25) %% 10)::text, 2, '0')
            || '-' || lpad((1 + gi %% 25)::text, 2, '0') AS grid,
        CASE WHEN r_misc < 0.25 THEN interval '2 hours' ELSE interval '24 hours' END AS claim_limit,
        CASE WHEN r_misc < 0.25 THEN interval '24 hours' ELSE interval '7 days' END AS resolve_limit
    FROM s
), u AS (
    SELECT *,
        status NOT IN ('reported', 'rejected', 'merged') AS was_accepted,
        status IN ('dispatched', 'in_progress', 'resolved', 'closed') AS was_dispatched,
        created + interval '20 minutes' AS accepted_at
    FROM t
)
SELECT md5(g::text)::uuid::text,
       'AJ-' || to_char(created, 'YYYYMMDD') || '-' || lpad(g::text, 7, '0'),
       '路灯不亮 #' || g, '文公北路' || (g %% 300) || '号门前路灯连续三晚不亮。',
       category, (ARRAY['grid_app','mini_program','hotline','snapshot'])[1 + g %% 4], track,
       status, 'in_progress',
       grid, '/county/' || town || '/' || community || '/' || grid || '/',
       CASE WHEN was_dispatched THEN dept END,
       CASE WHEN was_dispatched AND r_co < 0.15 AND co_dept <> dept THEN ',' || co_dept || ',' ELSE '' END,
       md5('staff' || (gi %% 200))::uuid::text,
       created, created + interval '3 days' * r_misc,
       NULL,  -- accept_due_at
       CASE WHEN was_accepted THEN accepted_at + claim_limit END,
       CASE WHEN was_accepted THEN accepted_at + resolve_limit END,
       NULL,  -- follow_up_due_at
       CASE WHEN status IN ('accepted', 'dispatched') THEN accepted_at + claim_limit
            WHEN status = 'in_progress' THEN accepted_at + resolve_limit END,
       CASE WHEN status IN ('resolved', 'closed') THEN created + interval '2 days' END,
       CASE WHEN status = 'closed' THEN created + interval '3 days' END,
       status = 'closed' OR (status = 'resolved' AND r_co < 0.5),
       CASE WHEN status = 'closed' OR (status = 'resolved' AND r_co < 0.5) THEN 'satisfied' END,
       CASE WHEN r_co > 0.97 THEN 1 ELSE 0 END,
       false, 0, false,  -- suspended, urges, extension_requested
       CASE status WHEN 'closed' THEN 8 WHEN 'rejected' THEN 2 WHEN 'merged' THEN 2 WHEN 'reported' THEN 1
                   WHEN 'accepted' THEN 2 WHEN 'dispatched' THEN 3 WHEN 'in_progress' THEN 5 ELSE 6 END,
       g * 7
FROM u
"""

FILL_WORK_QUEUE = """
INSERT INTO rm_work_queue ({columns}, queue)
SELECT {columns},
       CASE status WHEN 'reported' THEN 'triage' WHEN 'accepted' THEN 'dispatch'
                   WHEN 'dispatched' THEN 'department' WHEN 'in_progress' THEN 'department'
                   WHEN 'assigned' THEN 'department' WHEN 'escalated' THEN 'meeting'
                   WHEN 'resolved' THEN CASE WHEN followed_up THEN NULL ELSE 'follow-up' END END
FROM rm_case_list WHERE status NOT IN %(terminal)s
"""


@dataclass(frozen=True)
class Query:
    key: str
    label: str
    run: Callable[[Any], object]


def queries() -> list[Query]:
    dispatcher = ReadScope(grid_path=TOWN_PATH)
    page = {"page": 1, "per_page": 50}

    def cases(filters: CaseFilters, scope: ReadScope) -> Callable[[Any], object]:
        return lambda c: search(c, filters, scope, now=QUERY_NOW, count_limit=COUNT_LIMIT + 1, **page)

    def queue(name: str, scope: ReadScope, department: str | None = None) -> Callable[[Any], object]:
        return lambda c: queue_page(
            c, name, scope, now=QUERY_NOW, grid_path=None, department=department, count_limit=COUNT_LIMIT + 1, **page
        )

    return [
        Query(
            "cases_town",
            "case_list.search: dispatcher's town subtree, newest first, page 1",
            cases(CaseFilters(), dispatcher),
        ),
        Query(
            "cases_community_in_progress",
            "case_list.search: status=in_progress in a community subtree",
            cases(CaseFilters(status="in_progress", grid_path=COMMUNITY_PATH), dispatcher),
        ),
        Query(
            "cases_department",
            "case_list.search: department filter (admin scope)",
            cases(CaseFilters(department=DEPARTMENT), ReadScope(everything=True)),
        ),
        Query("queue_triage", "work_queues.queue_page: triage, dispatcher's town", queue("triage", dispatcher)),
        Query(
            "queue_department",
            "work_queues.queue_page: department, one department (its staff)",
            # as the API asks it for department staff: their department, no further scope
            queue("department", ReadScope(everything=True), DEPARTMENT),
        ),
        Query("queue_overdue", "work_queues.queue_page: overdue, dispatcher's town", queue("overdue", dispatcher)),
    ]


def fill_read_models(url: str, n: int) -> tuple[Engine, dict[str, Any]]:
    """Both read models with ``n`` synthetic cases (indexes built after the load), vacuumed and analysed as
    autovacuum soon leaves a table after a bulk load (so an index-only count need not visit the heap)."""
    engine = create_engine(url)
    case_list_metadata.create_all(engine)
    work_queue_metadata.create_all(engine)
    indexes = [*case_list_table.indexes, *work_queue_table.indexes]
    started = time.perf_counter()
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cur:
            cur.execute("SELECT setseed(0.42)")
            cur.execute(
                FILL_CASE_LIST.format(columns=", ".join(CASE_LIST_COLUMNS)),
                {"n": n, "now": QUERY_NOW, "categories": list(CATEGORIES), "departments": DEPARTMENT_COUNT},
            )
            columns = ", ".join(c.name for c in work_queue_table.columns if c.name != "queue")
            cur.execute(FILL_WORK_QUEUE.format(columns=columns), {"terminal": tuple(str(s) for s in TERMINAL)})
        for index in indexes:
            index.create(connection)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
        counts = {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (case_list_table, work_queue_table)
        }
        queues = dict(
            connection.execute(select(work_queue_table.c.queue, func.count()).group_by(work_queue_table.c.queue)).all()
        )
    return engine, {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": counts,
        "queues": {str(k): v for k, v in queues.items()},
    }


def time_queries(engines: dict[str, Engine], runs: int, warmup: int) -> dict[str, dict[str, dict[str, Any]]]:
    """p50 of each query function on each engine, and of each SQL statement it sends (page, then count).

    The engines take turns run by run (small, large, small, …), so a busy moment of this noisy machine
    falls on both sides of the comparison rather than on one.
    """
    samples: dict[tuple[str, str], list[float]] = {}
    statements: dict[tuple[str, str], list[list[float]]] = {}
    last: dict[tuple[str, str], tuple[Any, Any]] = {}
    statement_ms: list[float] = []

    def before(conn: Any, *_: Any) -> None:
        conn.info["began"] = time.perf_counter()

    def after(conn: Any, *_: Any) -> None:
        statement_ms.append((time.perf_counter() - conn.info.pop("began")) * 1000)

    with ExitStack() as stack:
        connections = {}
        for label, engine in engines.items():
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            stack.callback(event.remove, engine, "before_cursor_execute", before)
            stack.callback(event.remove, engine, "after_cursor_execute", after)
            connections[label] = stack.enter_context(engine.connect())
        for query in queries():
            for connection in connections.values():
                for _ in range(warmup):
                    query.run(connection)
            for _ in range(runs):
                for label, connection in connections.items():
                    statement_ms.clear()
                    began = time.perf_counter()
                    last[label, query.key] = query.run(connection)  # type: ignore[misc]
                    samples.setdefault((label, query.key), []).append((time.perf_counter() - began) * 1000)
                    statements.setdefault((label, query.key), []).append(list(statement_ms))
            for connection in connections.values():
                connection.rollback()
    results: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in engines}
    for (label, key), times in samples.items():
        rows, total = last[label, key]
        results[label][key] = {
            "p50_ms": round(statistics.median(times), 3),
            "p90_ms": round(sorted(times)[int(0.9 * len(times))], 3),
            "page_sql_p50_ms": round(statistics.median(s[0] for s in statements[label, key]), 3),
            "count_sql_p50_ms": round(statistics.median(s[1] for s in statements[label, key]), 3),
            "rows": len(rows),
            "total": total,
        }
    return results


def explain(engine: Engine, key: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the query function sends."""
    query = next(q for q in queries() if q.key == key)
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as connection:
            query.run(connection)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            for statement, parameters in captured:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans.append(
                    cur.mogrify(statement, parameters).decode() + "\n" + "\n".join(row[0] for row in cur.fetchall())
                )
        raw.rollback()
    finally:
        raw.close()
    return "\n\n".join(plans)


def bench_queries(urls: dict[str, str], small: int, large: int, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"fill": {}, "latency": {}, "explain": {}}
    engines = {}
    for label, n in (("small", small), ("large", large)):
        print(f"  filling read models with {n:,} cases ...", flush=True)
        engines[label], out["fill"][label] = fill_read_models(urls[f"q_{label}"], n)
    out["latency"] = time_queries(engines, runs, warmup=5)
    growth = {
        key: out["latency"]["large"][key]["p50_ms"] / out["latency"]["small"][key]["p50_ms"]
        for key in out["latency"]["small"]
    }
    out["growth"] = {key: round(value, 2) for key, value in growth.items()}
    for key, value in growth.items():
        if value > TARGETS["query_growth_max"]:
            out["explain"][key] = explain(engines["large"], key)
    for engine in engines.values():
        engine.dispose()
    return out


# -- reporting ------------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def print_report(
    doc: dict[str, Any],
    rebuild: Rebuild,
    single: Rebuild,
    baseline: Baseline,
    raw: RawUpdates,
    lag: Lag,
    query: dict[str, Any],
) -> None:
    meta, gen = doc["meta"], doc["synthetic"]
    print(
        f"\ncommit {meta['commit']}{' (dirty tree)' if meta['dirty'] else ''}  {meta['date']}  "
        f"cpus={meta['cpu_count']}  postgres {meta['postgres']['server_version']} "
        f"(fsync={meta['postgres']['fsync']}, synchronous_commit={meta['postgres']['synchronous_commit']})"
    )
    print(
        f"synthetic: {gen['events']:,} events, {gen['cases']:,} cases ({gen['events_per_case']} events/case, "
        f"{gen['open_cases']:,} open), {gen['meetings']} meetings in {gen['seconds']} s "
        f"({gen['events_per_second']:,} events/s)"
    )
    print(f"\n{'':48}{'count':>9}{'seconds':>9}{'per s':>11}")
    for key, count, seconds, rate in (
        ("R", rebuild.events, rebuild.seconds, rebuild.events_per_second),
        ("R1", single.events, single.seconds, single.events_per_second),
        ("a", baseline.events, baseline.seconds, baseline.events_per_second),
        ("b", raw.rows, raw.seconds, raw.rows_per_second),
    ):
        print(f"{LABELS[key]:48}{count:>9,}{seconds:>9.2f}{rate:>11,.0f}")
    r = doc["ratios"]
    print(
        f"\nR = {rebuild.events_per_second:,.0f} events/s   target >= {TARGETS['R_events_per_second']:,}: "
        f"{verdict(rebuild.events_per_second >= TARGETS['R_events_per_second'])}"
    )
    print(f"R/a = {r['R/a']:.1f}   target >= {TARGETS['R/a']:.0f}: {verdict(r['R/a'] >= TARGETS['R/a'])}")
    print(f"R/b = {r['R/b']:.3f}")
    print(
        f"rebuild rows {rebuild.rows} expected {rebuild.expected}; case_list statuses match the generator: "
        f"{rebuild.status_counts_match} -> {'VERIFIED' if rebuild.verified else 'MISMATCH'}"
    )
    print(
        f"R1 = {single.events_per_second:,.0f} events/s in one process: R1/a = {r['R1/a']:.1f}; rows "
        f"{'VERIFIED' if single.verified else 'MISMATCH'}"
    )
    print(
        "R1 seconds by part: "
        + ", ".join(f"{k} {v:.1f}" for k, v in single.breakdown.items())
        + f"; event timestamps {single.audit_at_range[0][:10]} .. {single.audit_at_range[1][:10]}"
    )
    s = lag.summary()
    print(
        f"\n(L) lag: {s['commands']} commands in {s['seconds']} s on {s['threads']} thread(s) = "
        f"{s['achieved_rate']}/s (target {s['target_rate']:g}/s); failures {s['failures'] or 'none'}; "
        f"unseen {s['unseen_positions']}; poll every {s['poll_interval_ms_achieved']} ms"
    )
    print(
        f"    p50 {s['p50_ms']} ms  p90 {s['p90_ms']} ms  p99 {s['p99_ms']} ms  max {s['max_ms']} ms   "
        f"target p99 < {TARGETS['lag_p99_ms']:g} ms: {verdict(s['p99_ms'] < TARGETS['lag_p99_ms'])}"
    )
    small, large = query["latency"]["small"], query["latency"]["large"]
    print(
        f"\n(Q) p50 ms over {doc['params']['query_runs']} runs{'':30}{'small':>9}{'large':>9}{'growth':>8}"
        f"   {'page SQL small/large':>20} {'count SQL small/large':>22}"
    )
    for q in queries():
        growth, a, b = query["growth"][q.key], small[q.key], large[q.key]
        print(
            f"{q.label[:62]:63}{a['p50_ms']:>9.2f}{b['p50_ms']:>9.2f}{growth:>7.1f}x"
            f"  {verdict(growth <= TARGETS['query_growth_max']):6}"
            f"{a['page_sql_p50_ms']:>9.2f} /{b['page_sql_p50_ms']:>8.2f}"
            f"{a['count_sql_p50_ms']:>12.2f} /{b['count_sql_p50_ms']:>8.2f}"
        )
    print(
        f"    small = {doc['params']['small_cases']:,} cases {query['fill']['small']['rows']}, "
        f"large = {doc['params']['large_cases']:,} cases {query['fill']['large']['rows']}"
    )


# -- the run --------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="synthetic events to generate")
    parser.add_argument("--baseline-events", type=int, default=10_000, help="events the library runner applies")
    parser.add_argument("--lag-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=200.0, help="commands per second during (L)")
    parser.add_argument(
        "--lag-threads",
        type=int,
        default=0,
        help="command threads for (L); 0 = 1 if one thread probes at >= 3x the rate, else 2",
    )
    parser.add_argument("--large-cases", type=int, default=1_000_000)
    parser.add_argument("--small-cases", type=int, default=10_000)
    parser.add_argument("--query-runs", type=int, default=50)
    parser.add_argument(
        "--profile-batches",
        type=int,
        default=5,
        help="cProfile this many rebuild batches (unmeasured, before (R1)); 0 = none",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="processes for (R); 0 = as `projections rebuild` chooses (one per core, up to 4)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from tests.support.postgres import postgres_server_url

    server = postgres_server_url()
    run_started = time.perf_counter()
    with ExitStack() as stack:
        urls = stack.enter_context(fresh_databases(server, "ledger", "raw", "q_small", "q_large"))
        ledger = GridLedger(Settings(database_url=urls["ledger"]))
        stack.callback(ledger.datastore.engine.dispose)
        world = build_synthetic_territory(ledger)
        print(f"generating {args.events:,} synthetic events ...", flush=True)
        stats = generate(ledger, world, events=args.events)
        print(
            f"  {stats.events:,} events, {stats.cases:,} cases, {stats.meetings} meetings in {stats.seconds:.1f} s",
            flush=True,
        )

        print(f"running {LABELS['R1']} ...", flush=True)
        single = bench_rebuild(ledger, stats, args.profile_batches)
        print(f"  {single.events_per_second:,.0f} events/s", flush=True)
        jobs = args.jobs or default_jobs(urls["ledger"], list(single.statuses))
        print(f"running {LABELS['R'].replace('N', str(jobs))} ...", flush=True)
        rebuild = bench_rebuild(ledger, stats, 0, jobs=jobs)
        print(f"  {rebuild.events_per_second:,.0f} events/s", flush=True)

        print(f"running {LABELS['a']} over the first {args.baseline_events:,} events ...", flush=True)
        baseline = bench_library(urls["ledger"], args.baseline_events)
        print(f"  {baseline.events_per_second:,.0f} events/s", flush=True)

        print(f"running {LABELS['b']} ({stats.events:,} rows) ...", flush=True)
        with ledger.datastore.engine.connect() as connection:
            case_ids = list(connection.execute(select(case_list_table.c.id)).scalars())
        raw = bench_raw(urls["raw"], case_ids, stats.events)
        print(f"  {raw.rows_per_second:,.0f} rows/s", flush=True)

        commands = CaseCommands(ledger)
        probe = probe_rate(commands, world, 160)
        threads = args.lag_threads or (1 if probe >= 3 * args.rate else 2)
        print(
            f"running (L) lag: {args.rate:g} commands/s for {args.lag_seconds:g} s on {threads} thread(s) "
            f"(one thread alone, unpaced: {probe:.0f}/s) ...",
            flush=True,
        )
        lag = bench_lag(urls["ledger"], ledger, world, rate=args.rate, seconds=args.lag_seconds, threads=threads)
        print(f"  p99 {lag.percentile(0.99):.1f} ms at {lag.achieved_rate:.0f} commands/s", flush=True)

        print("running (Q) query latency ...", flush=True)
        query = bench_queries(urls, args.small_cases, args.large_cases, args.query_runs)
        meta = {
            **git_state(),
            "date": utc_now().isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "postgres": {**server_settings(urls["raw"]), **db_settings(urls["raw"])},
        }
    ratios = {
        "R/a": rebuild.events_per_second / baseline.events_per_second,
        "R1/a": single.events_per_second / baseline.events_per_second,
        "R/b": rebuild.events_per_second / raw.rows_per_second,
    }
    doc: dict[str, Any] = {
        "meta": meta,
        "params": vars(args),
        "total_seconds": round(time.perf_counter() - run_started, 1),
        "synthetic": stats.summary(),
        "results": {
            LABELS["R"]: rebuild.summary(),
            LABELS["R1"]: single.summary(),
            LABELS["a"]: baseline.summary(),
            LABELS["b"]: raw.summary(),
            "(L) lag under load": {
                **lag.summary(),
                "lifecycle": list(STEPS),
                "probe_single_thread_per_second": round(probe, 1),
            },
            "(Q) query latency": {"now": QUERY_NOW.isoformat(), "labels": {q.key: q.label for q in queries()}, **query},
        },
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "targets": TARGETS,
    }
    doc["missed"] = missed(rebuild, ratios, lag, query)
    if single.profile:
        doc["rebuild_profile"] = single.profile
    print_report(doc, rebuild, single, baseline, raw, lag, query)
    if lag.failures or lag.unseen:
        print(f"\nworker log:\n{lag.worker_log[-3000:]}")
    for key, plan in query["explain"].items():
        print(f"\nEXPLAIN ANALYZE, {key} at {args.large_cases:,} cases:\n{plan}")
    if single.profile:
        print(f"\ncProfile of {args.profile_batches} rebuild batches of 2000 events (unmeasured):\n{single.profile}")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nwrote {RESULTS_FILE.relative_to(REPO)} (whole run {doc['total_seconds']} s)")
    if doc["missed"]:
        print("MISSED: " + "; ".join(doc["missed"]))


def db_settings(url: str) -> dict[str, str]:
    conn = psycopg2.connect(**connect_params(url))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT current_setting('shared_buffers'), current_setting('work_mem'), current_setting('lc_collate')"
            )
            return dict(zip(("shared_buffers", "work_mem", "lc_collate"), cur.fetchone(), strict=True))
    finally:
        conn.close()


def missed(rebuild: Rebuild, ratios: dict[str, float], lag: Lag, query: dict[str, Any]) -> list[str]:
    out = []
    if rebuild.events_per_second < TARGETS["R_events_per_second"]:
        out.append(f"R {rebuild.events_per_second:,.0f} events/s < {TARGETS['R_events_per_second']:,}")
    if ratios["R/a"] < TARGETS["R/a"]:
        out.append(f"R/a {ratios['R/a']:.1f} < {TARGETS['R/a']:g}")
    if not rebuild.verified:
        out.append("rebuild row counts do not match")
    if not lag.percentile(0.99) < TARGETS["lag_p99_ms"]:
        out.append(f"lag p99 {lag.percentile(0.99):.0f} ms >= {TARGETS['lag_p99_ms']:g}")
    for key, growth in query["growth"].items():
        if growth > TARGETS["query_growth_max"]:
            out.append(f"query {key} grows {growth:.1f}x")
    return out


if __name__ == "__main__":
    main()
