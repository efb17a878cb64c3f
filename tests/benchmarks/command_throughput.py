"""Command throughput: how many case commands per second each layer sustains on PostgreSQL.

Four measurements in one run, each on a fresh database, over the same K in-progress cases
taken round-robin:

  (a) raw      psycopg2: one INSERT of an event-sized row per transaction, commit each
  (b) library  eventsourcing's own PostgreSQL module: ``repository.get`` a Case, ``add_note``, ``save``
  (c) ledger   gridledger's ``CaseCommands.note`` on ``GridLedger`` (eventsourcing-sqlalchemy)
  (e) clock    gridledger's ``CaseCommands.redispatch``: sets a claim deadline and a return window from the
               calendar (2026 imported) and the time-limit rules (a version put), both cached per process
  (c0)         the same without the hash chain (the recorder as before it), timed in alternating slices with
               (c) so that a busy machine's noise falls on both: c/c0 is what the chain costs
  (d) http     ``POST /api/v1/cases/{id}/note`` under gunicorn (gthread, workers x threads as 'gridledger serve'),
               driven by C client processes, each with one keep-alive connection and its own cases

Usage::

    python -m tests.benchmarks.command_throughput [--ops N] [--cases K] [--http-seconds S]
        [--concurrency C] [--warmup W] [--profile P] [--chain-only]

The table goes to stdout, the numbers to ``tests/benchmarks/results/command_throughput.json``.
``--profile P`` additionally runs P unmeasured ops of (b) and (c) under cProfile (before (d)) and
prints the top 15 entries by cumulative time of each after the table. ``--chain-only`` runs (c) and (c0) alone.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import multiprocessing
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import psycopg2
from eventsourcing.application import Application
from sqlalchemy.engine import make_url

from application.case_commands import CaseCommands
from application.event_recorder import CoreApplicationRecorder, Factory
from application.ledger import GridLedger
from application.settings import Settings
from domain.actor import Actor
from domain.case import Case, report_case
from domain.time_limit_rules import DEFAULT_RULES, DeadlinePolicy
from domain.working_days import WorkingDays
from interface.server import default_concurrency
from tests.support.percentiles import percentile
from tests.support.postgres import create_database, drop_database, postgres_server_url
from tests.support.territory import Territory, build_territory

REPO = Path(__file__).resolve().parents[2]
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "command_throughput.json"
NOTE_TEXT = "城管已到现场核实，正在协调施工方整改，预计两日内完成。"
RAW_EVENT_BYTES = 300
# (b)'s cases are made by the domain directly: the default rules on a calendar without entries.
DEFAULT_POLICY = DeadlinePolicy(DEFAULT_RULES, 1, WorkingDays({}, UTC), 1)
HTTP_WARMUP_SECONDS = 3.0
TARGETS = {"c/b": 1.0, "d/c": 0.6, "c/c0": 0.9}
LABELS = {
    "a": "(a) raw psycopg2 INSERT + COMMIT",
    "b": "(b) eventsourcing.postgres get+note+save",
    "c": "(c) gridledger CaseCommands.note",
    "e": "(e) gridledger redispatch (sets deadlines)",
    "c0": "(c0) the same without the hash chain",
    "d": "(d) gridledger HTTP POST .../note",
}
ALTERNATING_SLICES = 100


@dataclass
class Measurement:
    """Completed ops over a timed window, with each op's latency in milliseconds."""

    ops: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def ops_per_second(self) -> float:
        return self.ops / self.seconds

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def summary(self) -> dict[str, Any]:
        return {
            "ops": self.ops,
            "seconds": round(self.seconds, 3),
            "ops_per_second": round(self.ops_per_second, 1),
            "p50_ms": round(self.percentile(0.50), 3),
            "p99_ms": round(self.percentile(0.99), 3),
            "failures": self.failures,
        }


def time_ops(op: Callable[[int], object], ops: int, warmup: int) -> Measurement:
    """Call ``op(i)`` ``warmup`` times unmeasured, then ``ops`` times measured one by one."""
    for i in range(warmup):
        op(i)
    latencies = []
    started = time.perf_counter()
    for i in range(warmup, warmup + ops):
        before = time.perf_counter()
        op(i)
        latencies.append((time.perf_counter() - before) * 1000)
    return Measurement(ops, time.perf_counter() - started, latencies)


def time_alternating(
    op: Callable[[int], object], other: Callable[[int], object], ops: int, warmup: int
) -> tuple[Measurement, Measurement]:
    """Both ops ``warmup`` times unmeasured, then ``ops`` each measured in alternating slices (which goes first
    alternates too)."""
    for i in range(warmup):
        op(i)
        other(i)
    measured: list[list[float]] = [[], []]
    seconds = [0.0, 0.0]
    per_slice = max(1, ops // ALTERNATING_SLICES)
    for slice_no, start in enumerate(range(warmup, warmup + ops, per_slice)):
        order = ((0, op), (1, other)) if slice_no % 2 == 0 else ((1, other), (0, op))
        for index, run in order:
            began = time.perf_counter()
            for i in range(start, min(start + per_slice, warmup + ops)):
                before = time.perf_counter()
                run(i)
                measured[index].append((time.perf_counter() - before) * 1000)
            seconds[index] += time.perf_counter() - began
    return Measurement(ops, seconds[0], measured[0]), Measurement(ops, seconds[1], measured[1])


def utc_now() -> datetime:
    return datetime.now(UTC)


# -- databases ------------------------------------------------------------------------------------
@contextmanager
def fresh_databases(server: str, *labels: str) -> Iterator[dict[str, str]]:
    """One new database per label (label → SQLAlchemy URL), all dropped on the way out."""
    suffix = uuid.uuid4().hex[:8]
    names = {label: f"gl_bench_{label}_{suffix}" for label in labels}
    try:
        yield {label: create_database(server, name) for label, name in names.items()}
    finally:
        for name in names.values():
            drop_database(server, name)


def connect_params(url: str) -> dict[str, Any]:
    u = make_url(url)
    return {
        "host": u.host or "127.0.0.1",
        "port": u.port or 5432,
        "user": u.username or "postgres",
        "password": u.password or "",
        "dbname": u.database,
    }


def server_settings(url: str) -> dict[str, str]:
    """The server's version and the settings that decide what a commit costs."""
    names = ("server_version", "fsync", "synchronous_commit", "wal_sync_method")
    conn = psycopg2.connect(**connect_params(url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
            return dict(zip(names, cur.fetchone(), strict=True))
    finally:
        conn.close()


# -- (a) raw psycopg2 -----------------------------------------------------------------------------
RAW_TABLE = (
    "CREATE TABLE events (originator_id uuid NOT NULL, originator_version integer NOT NULL, "
    "state bytea NOT NULL, PRIMARY KEY (originator_id, originator_version))"
)


def bench_raw(url: str, case_ids: list[str], ops: int, warmup: int) -> Measurement:
    """One INSERT of (uuid, version, ~300 bytes) per transaction, autocommit off."""
    conn = psycopg2.connect(**connect_params(url))
    try:
        with conn.cursor() as cur:
            cur.execute(RAW_TABLE)
        conn.commit()
        versions = dict.fromkeys(case_ids, 0)
        payload = psycopg2.Binary(os.urandom(RAW_EVENT_BYTES))

        def insert(i: int) -> None:
            case_id = case_ids[i % len(case_ids)]
            versions[case_id] += 1
            with conn.cursor() as cur:
                cur.execute("INSERT INTO events VALUES (%s, %s, %s)", (case_id, versions[case_id], payload))
            conn.commit()

        return time_ops(insert, ops, warmup)
    finally:
        conn.close()


# -- (b) the library's own PostgreSQL module ------------------------------------------------------
class LibraryCases(Application):
    """Cases on eventsourcing's own PostgreSQL module, library defaults: no cache, no snapshots."""

    def note(self, case_id: UUID, actor: Actor, text: str) -> None:
        case = self.repository.get(case_id)
        case.add_note(actor=actor, timestamp=utc_now(), text=text)
        self.save(case)


def library_env(url: str) -> dict[str, str]:
    params = connect_params(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": params["dbname"],
        "POSTGRES_HOST": params["host"],
        "POSTGRES_PORT": str(params["port"]),
        "POSTGRES_USER": params["user"],
        "POSTGRES_PASSWORD": params["password"],
    }


def in_progress_case(territory: Territory, n: int) -> Case:
    """A case reported, accepted, dispatched to 城管 and claimed, by the domain methods directly."""
    staff, now = territory.staff, utc_now()
    case = report_case(
        case_no=f"BENCH-{n:05d}",
        report=report_body(territory, n),
        actor=staff["worker"].actor.as_record(),
        timestamp=now,
        policy=DEFAULT_POLICY,
    )
    case.accept(actor=staff["dispatcher"].actor, timestamp=now)
    case.dispatch(
        actor=staff["dispatcher"].actor,
        timestamp=now,
        lead_department=territory.department("chengguan"),
        co_departments=[],
        policy=DEFAULT_POLICY,
    )
    case.claim(actor=staff["chengguan"].actor, timestamp=now)
    return case


def prepare_library(url: str, territory: Territory, k: int) -> tuple[LibraryCases, list[UUID]]:
    app = LibraryCases(env=library_env(url))
    cases = [in_progress_case(territory, n) for n in range(k)]
    app.save(*cases)
    return app, [case.id for case in cases]


# -- (c) gridledger's application -----------------------------------------------------------------
def report_body(territory: Territory, n: int) -> dict[str, Any]:
    """A report shaped like the API's (tests/support/api.py)."""
    return {
        "title": f"茶苑社区路灯不亮 #{n}",
        "description": "文公北路12号门前两盏路灯连续三晚不亮。",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
        "location": {"address": "紫阳镇文公北路12号"},
    }


class UnchainedRecorder(CoreApplicationRecorder):
    """gridledger's recorder as it was before the hash chain, for (c0)."""

    def _insert_returning(self, table: str, values: str, count: int) -> str:
        return (
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
            f"VALUES {values} RETURNING id, originator_id, originator_version"
        )

    def _chain(self, connection: Any, positions: Any, stored_events: Any) -> None:
        pass


class UnchainedFactory(Factory):
    application_recorder_class = UnchainedRecorder


class UnchainedSettings(Settings):
    def event_store_env(self) -> dict[str, str]:
        return {**super().event_store_env(), "PERSISTENCE_MODULE": f"{UNCHAINED_MODULE}:UnchainedFactory"}


UNCHAINED_MODULE = "tests.benchmarks.command_throughput"


def prepare_ledger(url: str, k: int, settings: type[Settings] = Settings) -> tuple[GridLedger, Territory, list[str]]:
    """A territory, the 2026 calendar and a version of the rules, and K cases driven to in_progress through the
    commands, as the staff would."""
    ledger = GridLedger(settings(database_url=url))
    territory = build_territory(ledger)
    commands, staff = CaseCommands(ledger), territory.staff
    ledger.clock_rules.import_year(staff["admin"], 2026)
    ledger.clock_rules.set_rules(
        staff["admin"], {"general": {"categories": {"dispute": {"resolve": {"working_days": 15}}}}}
    )
    return ledger, territory, in_progress_cases(commands, territory, k)


def in_progress_cases(commands: CaseCommands, territory: Territory, k: int, first: int = 0) -> list[str]:
    staff, case_ids = territory.staff, []
    for n in range(first, first + k):
        case_id = str(commands.report(staff["worker"], report_body(territory, n)).id)
        commands.accept(staff["dispatcher"], case_id)
        commands.dispatch(
            staff["dispatcher"], case_id, lead_department=territory.department("chengguan"), co_departments=[]
        )
        commands.claim(staff["chengguan"], case_id)
        case_ids.append(case_id)
    return case_ids


# -- (d) HTTP under gunicorn ----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn_server(database_url: str, workers: int, threads: int) -> Iterator[int]:
    """A real gunicorn (gthread) on a free port; yields the port once healthy."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "interface.app:create_app()",
    ]
    env = {**os.environ, "GRIDLEDGER_DATABASE_URL": database_url}
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(port, server, log)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_healthy(port: int, server: subprocess.Popen[bytes], log: IO[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not become healthy:\n{log.read().decode(errors='replace')}")


@dataclass
class Tally:
    """One client's statuses and latencies inside the measured window."""

    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)


def post_notes(port: int, token: str, case_ids: list[str], measure_from: float, stop: float, results: Any) -> None:
    """Post notes round-robin over this client's own cases on one keep-alive connection.

    Runs in its own process with the plain standard-library client, so the load generator is neither
    GIL-bound nor heavier than it needs to be on a 2-core machine.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"text": NOTE_TEXT}).encode()
    tally = Tally()
    n = 0
    while (began := time.perf_counter()) < stop:
        path = f"/api/v1/cases/{case_ids[n % len(case_ids)]}/note"
        n += 1
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ended = time.perf_counter()
        if measure_from <= ended <= stop:
            tally.statuses[status] += 1
            if status == "200":
                tally.latencies_ms.append((ended - began) * 1000)
    results.put((dict(tally.statuses), tally.latencies_ms))


def bench_http(port: int, token: str, case_ids: list[str], concurrency: int, seconds: float) -> Measurement:
    """C client processes post for a warm-up then ``seconds``; only responses completed in the window count."""
    measure_from = time.perf_counter() + HTTP_WARMUP_SECONDS
    stop = measure_from + seconds
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    clients = [
        context.Process(target=post_notes, args=(port, token, case_ids[i::concurrency], measure_from, stop, results))
        for i in range(concurrency)
    ]
    for client in clients:
        client.start()
    collected = [results.get(timeout=seconds + 120) for _ in clients]
    for client in clients:
        client.join()
    statuses = sum((Counter(counts) for counts, _ in collected), Counter())
    latencies = [latency for _, client_latencies in collected for latency in client_latencies]
    failures = {status: count for status, count in statuses.items() if status != "200"}
    return Measurement(statuses["200"], seconds, latencies, failures)


# -- reporting ------------------------------------------------------------------------------------
def profile_top(op: Callable[[int], object], ops: int, top: int = 15) -> str:
    """Run ``op`` ``ops`` times under cProfile; the top entries by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(ops):
        op(i)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def ratios(results: dict[str, Measurement]) -> dict[str, float]:
    rate = {key: m.ops_per_second for key, m in results.items()}
    pairs = {"c/b": ("c", "b"), "c/a": ("c", "a"), "d/c": ("d", "c"), "c/c0": ("c", "c0"), "e/c": ("e", "c")}
    return {name: rate[x] / rate[y] for name, (x, y) in pairs.items() if x in rate and y in rate}


def print_report(meta: dict[str, Any], results: dict[str, Measurement], ratio: dict[str, float]) -> None:
    print(
        f"\ncommit {meta['commit']}{' (dirty tree)' if meta['dirty'] else ''}  {meta['date']}  "
        f"cpus={meta['cpu_count']}  postgres {meta['postgres']['server_version']} "
        f"(fsync={meta['postgres']['fsync']}, synchronous_commit={meta['postgres']['synchronous_commit']})"
    )
    print(f"{'':44}{'ops':>7}{'seconds':>9}{'ops/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for key, m in results.items():
        print(
            f"{LABELS[key]:44}{m.ops:>7}{m.seconds:>9.2f}{m.ops_per_second:>9.1f}"
            f"{m.percentile(0.5):>9.2f}{m.percentile(0.99):>9.2f}"
        )
    if "d" in results and results["d"].failures:
        print(f"(d) non-200 responses: {results['d'].failures}")
    for name, value in ratio.items():
        target = TARGETS.get(name)
        verdict = f"   target >= {target:.1f}: {'MET' if value >= target else 'MISSED'}" if target else ""
        print(f"{name} = {value:.2f}{verdict}")


def write_json(meta: dict[str, Any], results: dict[str, Measurement], ratio: dict[str, float]) -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    document = {
        **meta,
        "results": {LABELS[key]: m.summary() for key, m in results.items()},
        "ratios": {name: round(value, 3) for name, value in ratio.items()},
        "targets": TARGETS,
    }
    RESULTS_FILE.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {RESULTS_FILE.relative_to(REPO)}")


# -- the run --------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=5000, help="measured ops for (a), (b), (c)")
    parser.add_argument("--cases", type=int, default=200, help="cases, used round-robin by all four")
    parser.add_argument("--http-seconds", type=float, default=75.0, help="measured seconds of (d)")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes for (d)")
    workers, threads = default_concurrency("postgresql")
    parser.add_argument(
        "--workers",
        type=int,
        default=workers,
        help="gunicorn worker processes for (d) (default: as 'gridledger serve')",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=threads,
        help="gunicorn threads per worker for (d) (default: as 'gridledger serve')",
    )
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured ops before (a), (b), (c)")
    parser.add_argument("--chain-only", action="store_true", help="run (c) and (c0) only: what the chain costs")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="P",
        help="after (c), cProfile P more ops of (b) and (c); print the top 15",
    )
    args = parser.parse_args(argv)
    if args.cases < args.concurrency:
        parser.error("--cases must be at least --concurrency: each client thread needs its own cases")
    return args


def measure(
    args: argparse.Namespace, urls: dict[str, str], stack: ExitStack
) -> tuple[dict[str, Measurement], dict[str, str]]:
    """Set up the cases, run (a) to (d), and the optional profiles; returns results and profiles."""
    print(f"setting up {args.cases} in-progress cases for (b), (c) and (c0) ...", flush=True)
    ledger, territory, case_ids = prepare_ledger(urls["ledger"], args.cases)
    stack.callback(ledger.datastore.engine.dispose)
    unchained, unchained_territory, unchained_ids = prepare_ledger(urls["unchained"], args.cases, UnchainedSettings)
    stack.callback(unchained.datastore.engine.dispose)
    unchained_notes, unchained_clerk = CaseCommands(unchained), unchained_territory.staff["chengguan"]

    def unchained_note(i: int) -> None:
        unchained_notes.note(unchained_clerk, unchained_ids[i % len(unchained_ids)], text=NOTE_TEXT)

    library, library_ids = prepare_library(urls["library"], territory, args.cases)
    stack.callback(library.close)
    chengguan, notes = territory.staff["chengguan"], CaseCommands(ledger)

    def library_note(i: int) -> None:
        library.note(library_ids[i % len(library_ids)], chengguan.actor, NOTE_TEXT)

    def ledger_note(i: int) -> None:
        notes.note(chengguan, case_ids[i % len(case_ids)], text=NOTE_TEXT)

    # (e) has cases of its own: redispatched cases are 'dispatched', where (d)'s notes would be refused.
    dispatcher, leads = territory.staff["dispatcher"], [territory.department(d) for d in ("zhujian", "chengguan")]
    moved_ids = in_progress_cases(notes, territory, args.cases, first=args.cases)

    def ledger_redispatch(i: int) -> None:
        lead = leads[(i // len(moved_ids)) % 2]  # each round sends every case to the other department
        notes.redispatch(
            dispatcher, moved_ids[i % len(moved_ids)], lead_department=lead, co_departments=[], reason="改派"
        )

    results: dict[str, Measurement] = {}
    if args.chain_only:
        print(f"running {LABELS['c']} and {LABELS['c0']}, alternating ...", flush=True)
        results["c"], results["c0"] = time_alternating(ledger_note, unchained_note, args.ops, args.warmup)
        return results, {}
    for key, run in (
        ("a", lambda: bench_raw(urls["raw"], case_ids, args.ops, args.warmup)),
        ("b", lambda: time_ops(library_note, args.ops, args.warmup)),
        ("e", lambda: time_ops(ledger_redispatch, args.ops, args.warmup)),
    ):
        print(f"running {LABELS[key]} ...", flush=True)
        results[key] = run()
    print(f"running {LABELS['c']} and {LABELS['c0']}, alternating ...", flush=True)
    results["c"], results["c0"] = time_alternating(ledger_note, unchained_note, args.ops, args.warmup)
    # Profiled before (d), whose writes through other processes would leave (c)'s cache stale.
    profiles = {
        key: profile_top(op, args.profile) for key, op in (("b", library_note), ("c", ledger_note)) if args.profile
    }
    print(f"running {LABELS['d']} for {args.http_seconds:g}s with {args.concurrency} clients ...", flush=True)
    with gunicorn_server(urls["ledger"], args.workers, args.threads) as port:
        results["d"] = bench_http(port, territory.tokens["chengguan"], case_ids, args.concurrency, args.http_seconds)
    return results, profiles


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    server = postgres_server_url()
    with ExitStack() as stack:
        urls = stack.enter_context(fresh_databases(server, "raw", "library", "ledger", "unchained"))
        results, profiles = measure(args, urls, stack)
        meta = {
            **git_state(),
            "date": utc_now().isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "postgres": server_settings(urls["raw"]),
            "params": vars(args),
        }
    ratio = ratios(results)
    print_report(meta, results, ratio)
    write_json(meta, results, ratio)
    for key, profile in profiles.items():
        print(f"\ncProfile of {args.profile} ops of {LABELS[key]}:\n{profile}")


if __name__ == "__main__":
    main()
