"""Projection lag with the statistics read model running: case commands at ``--rate`` per second against the
projection worker, on a fresh PostgreSQL store holding ``--events`` synthetic events of history.

Phases of ``--seconds`` each, taking turns (``--rounds`` of each, the first chosen by turn too):

  (S) ``gridledger projections run``: every read model, the statistics among them
  (W) the same worker without the statistics read model (its tracking row waits; (S) catches it up before
      its load starts)

The commands come from ``--drivers`` processes (forked, each with its own ledger and database connections, so
they share no GIL with each other or with the poller), each a case lifecycle after another — report, accept,
dispatch, claim, note, resolve, follow-up, close — paced so that together they issue ``--rate`` commands a
second. A poller process reads every projection's tracking position every 5 ms. A command's lag, per read model,
is when its position became visible there − when the command returned (CLOCK_MONOTONIC, the same clock in every
process); "all" is the slowest read model the worker runs.

Target (issue 14): p99 < 250 ms for the statistics at 200 commands/s. Ratios in the same run: the statistics'
p99 over the work queues' in (S), and (S)'s "all" p99 over (W)'s (what running the statistics costs every
read model's lag).

    python -m tests.benchmarks.statistics_lag [--rate 200] [--seconds 20] [--rounds 2] [--events 20000]
        [--drivers 0]

The table goes to stdout, the numbers to ``tests/benchmarks/results/statistics_lag.json``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from projections.registry import STATISTICS, WORK_QUEUES, Projections, all_projections
from tests.benchmarks.command_throughput import connect_params, fresh_databases, git_state, server_settings
from tests.benchmarks.projection_throughput import STEPS, WORKER, Lifecycle, wait_caught_up, worker_process
from tests.benchmarks.synthetic import SyntheticTerritory, build_synthetic_territory, generate
from tests.support.percentiles import percentile

REPO = Path(__file__).resolve().parents[2]
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "statistics_lag.json"
TARGET_P99_MS = 250.0
POLL_SECONDS = 0.005
WITHOUT_STATISTICS = ("-m", "tests.benchmarks.statistics_lag", "--worker-without-statistics")
PHASES = {"S": "every read model, statistics included", "W": "without the statistics read model"}


# -- the worker without the statistics -----------------------------------------------------------
def run_worker_without_statistics() -> None:
    """What ``gridledger projections run`` does, with every read model but the statistics."""
    settings = Settings.from_env()
    chosen = [projection for projection in all_projections() if projection.name != STATISTICS]
    running = Projections(GridLedger(settings), projections=chosen, batch_size=1000, poll_interval=1.0)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    running.start()
    print(f"projection worker running: {', '.join(running.engine.projections)}", flush=True)
    while not stop.wait(1.0):
        if not running.running:
            sys.exit("the projection worker thread died")
    running.close()


# -- load ------------------------------------------------------------------------------------------
def drive(
    url: str, world: SyntheticTerritory, k: int, drivers: int, rate: float, seconds: float, ready: Any, go: Any
) -> None:
    """One driver process: its share of the rate, from the start the parent sets; puts (records, failures)."""
    ledger = GridLedger(Settings(database_url=url))
    lifecycle = Lifecycle(CaseCommands(ledger), world)
    for _ in range(len(STEPS)):  # warm the caches and the connection pool, one whole lifecycle
        lifecycle.next()
    ready.put(k)
    started = go.get()
    interval, offset, ends = drivers / rate, k / rate, started + seconds
    records: list[tuple[int, float]] = []
    failures: dict[str, int] = {}
    i = 0
    while (due := started + i * interval + offset) < ends:
        i += 1
        if (pause := due - time.monotonic()) > 0:
            time.sleep(pause)
        try:
            position = lifecycle.next()
        except Exception as error:  # noqa: BLE001 - count it and start a fresh case
            failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
            lifecycle.step = 0
            continue
        records.append((position, time.monotonic()))
    ledger.datastore.engine.dispose()
    ready.put((records, failures))


def poll_positions(params: dict[str, Any], stop: Any, results: Any) -> None:
    """In its own process: when did each read model's position change, and to what?"""
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    seen: dict[str, list[tuple[float, int]]] = {}
    polls = 0
    with conn.cursor() as cur:
        while not stop.is_set():
            cur.execute("SELECT name, position FROM gridledger_projection_tracking")
            rows = cur.fetchall()
            at = time.monotonic()
            polls += 1
            for name, position in rows:
                changes = seen.setdefault(name, [])
                if not changes or changes[-1][1] != position:
                    changes.append((at, position))
            time.sleep(POLL_SECONDS)
    conn.close()
    results.put((seen, polls))


@dataclass
class Phase:
    kind: str  # S or W
    rate: float
    seconds: float
    commands: int
    failures: dict[str, int]
    lags_ms: dict[str, list[float]] = field(repr=False)  # read model (or "all") → a lag per command
    unseen: dict[str, int]
    polls: int

    def summary(self) -> dict[str, Any]:
        return {
            "phase": f"({self.kind}) {PHASES[self.kind]}",
            "target_rate": self.rate,
            "achieved_rate": round(self.commands / self.seconds, 1),
            "commands": self.commands,
            "failures": self.failures,
            "unseen_positions": self.unseen,
            "poll_interval_ms_achieved": round(1000 * self.seconds / max(self.polls, 1), 2),
            "lag_ms": {
                name: {
                    "p50": round(percentile(lags, 0.50), 1),
                    "p90": round(percentile(lags, 0.90), 1),
                    "p99": round(percentile(lags, 0.99), 1),
                    "max": round(max(lags, default=float("nan")), 1),
                }
                for name, lags in sorted(self.lags_ms.items())
            },
        }

    def p99(self, name: str) -> float:
        return percentile(self.lags_ms.get(name, []), 0.99)


def run_phase(url: str, world: SyntheticTerritory, kind: str, *, rate: float, seconds: float, drivers: int) -> Phase:
    context = multiprocessing.get_context("fork")
    program = WITHOUT_STATISTICS if kind == "W" else WORKER
    with worker_process(url, program) as _worker:
        for name in (WORK_QUEUES, STATISTICS) if kind == "S" else (WORK_QUEUES,):
            if not wait_caught_up(url, name, 300):
                raise RuntimeError(f"{name} did not catch up before the load")
        stop_polling, polled, ready = context.Event(), context.Queue(), context.Queue()
        poller = context.Process(target=poll_positions, args=(connect_params(url), stop_polling, polled))
        poller.start()
        starts = [context.Queue() for _ in range(drivers)]
        processes = [
            context.Process(target=drive, args=(url, world, k, drivers, rate, seconds, ready, starts[k]))
            for k in range(drivers)
        ]
        for process in processes:
            process.start()
        for _ in processes:
            ready.get(timeout=120)
        time.sleep(0.5)  # the warm-up lifecycles applied, the poller polling
        started = time.monotonic() + 0.2
        for start in starts:
            start.put(started)
        records: list[tuple[int, float]] = []
        failures: dict[str, int] = {}
        for _ in processes:
            mine, failed = ready.get(timeout=seconds + 300)
            records.extend(mine)
            for name, count in failed.items():
                failures[name] = failures.get(name, 0) + count
        for process in processes:
            process.join(timeout=30)
        names = (WORK_QUEUES, STATISTICS) if kind == "S" else (WORK_QUEUES,)
        for name in names:
            if not wait_caught_up(url, name, 120):
                failures[f"{name}_not_caught_up_120s_after_load"] = 1
        time.sleep(0.1)
        stop_polling.set()
        seen, polls = polled.get(timeout=60)
        poller.join(timeout=10)
    running = {name for name in seen if kind == "S" or name != STATISTICS}
    lags, unseen = _lags(records, {name: seen[name] for name in running})
    finished = max((at for _, at in records), default=started + seconds)
    return Phase(kind, rate, finished - started, len(records), failures, lags, unseen, polls)


def _lags(
    records: list[tuple[int, float]], seen: dict[str, list[tuple[float, int]]]
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Per read model, each command's lag in ms (and how many positions it never showed); "all": the slowest."""
    lags: dict[str, list[float]] = {name: [] for name in [*seen, "all"]}
    unseen = dict.fromkeys(lags, 0)
    positions = {name: [position for _, position in changes] for name, changes in seen.items()}
    for position, returned in records:
        slowest: float | None = 0.0
        for name, changes in seen.items():
            index = bisect.bisect_left(positions[name], position)
            if index == len(changes):
                unseen[name] += 1
                slowest = None
                continue
            lag = max(0.0, changes[index][0] - returned) * 1000
            lags[name].append(lag)
            if slowest is not None:
                slowest = max(slowest, lag)
        if slowest is None:
            unseen["all"] += 1
        else:
            lags["all"].append(slowest)
    return lags, unseen


def probe_rate(url: str, world: SyntheticTerritory, n: int) -> float:
    """One process's unpaced commands per second."""
    ledger = GridLedger(Settings(database_url=url))
    lifecycle = Lifecycle(CaseCommands(ledger), world)
    started = time.perf_counter()
    for _ in range(n):
        lifecycle.next()
    rate = n / (time.perf_counter() - started)
    ledger.datastore.engine.dispose()
    return rate


# -- report ----------------------------------------------------------------------------------------
def print_report(doc: dict[str, Any]) -> None:
    print(f"\nprojection lag at {doc['params']['rate']:g} commands/s, {doc['params']['seconds']:g} s a phase")
    print(f"{'phase':<8}{'rate':>8}{'read model':>14}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}  (ms)")
    for phase in doc["phases"]:
        first = True
        for name, lag in phase["lag_ms"].items():
            if name not in ("all", WORK_QUEUES, STATISTICS, "case_list"):
                continue
            label = phase["phase"][:3] if first else ""
            rate = f"{phase['achieved_rate']:.0f}/s" if first else ""
            print(f"{label:<8}{rate:>8}{name:>14}{lag['p50']:>9}{lag['p90']:>9}{lag['p99']:>9}{lag['max']:>9}")
            first = False
        if phase["failures"] or any(phase["unseen_positions"].values()):
            print(f"        failures {phase['failures']}, unseen {phase['unseen_positions']}")
    for key, value in doc["ratios"].items():
        print(f"{key}: {value}")
    verdict = "met" if not doc["missed"] else "MISSED: " + "; ".join(doc["missed"])
    print(f"target: statistics p99 < {TARGET_P99_MS:g} ms in every (S) phase — {verdict}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="commands per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per phase")
    parser.add_argument("--rounds", type=int, default=2, help="phases of each kind, taking turns")
    parser.add_argument("--events", type=int, default=20_000, help="synthetic events of history first")
    parser.add_argument(
        "--drivers", type=int, default=0, help="command processes; 0 = enough for 3x the rate by a probe"
    )
    parser.add_argument("--worker-without-statistics", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker_without_statistics:
        run_worker_without_statistics()
        return
    from tests.support.postgres import postgres_server_url

    run_started = time.perf_counter()
    with ExitStack() as stack:
        urls = stack.enter_context(fresh_databases(postgres_server_url(), "lag"))
        url = urls["lag"]
        ledger = GridLedger(Settings(database_url=url))
        stack.callback(ledger.datastore.engine.dispose)
        world = build_synthetic_territory(ledger)
        print(f"generating {args.events:,} synthetic events of history ...", flush=True)
        synthetic = generate(ledger, world, events=args.events)
        ledger.datastore.engine.dispose()  # the drivers are forked: no connection of the parent's in them
        probe = probe_rate(url, world, 160)
        drivers = args.drivers or max(1, min(4, int(3 * args.rate / probe) + 1))
        print(f"one process unpaced: {probe:.0f} commands/s; {drivers} driver process(es)", flush=True)
        phases = []
        for round_ in range(args.rounds):
            for kind in ("S", "W") if round_ % 2 == 0 else ("W", "S"):
                print(f"phase ({kind}) {PHASES[kind]}: {args.rate:g}/s for {args.seconds:g} s ...", flush=True)
                phase = run_phase(url, world, kind, rate=args.rate, seconds=args.seconds, drivers=drivers)
                stat = f", statistics p99 {phase.p99(STATISTICS):.1f} ms" if kind == "S" else ""
                print(f"  {phase.commands / phase.seconds:.0f}/s: all p99 {phase.p99('all'):.1f} ms{stat}", flush=True)
                phases.append(phase)
        meta = {
            **git_state(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
            "postgres": server_settings(url),
        }
    with_statistics = [p for p in phases if p.kind == "S"]
    without = [p for p in phases if p.kind == "W"]
    ratios = {
        "(S) statistics p99 / work_queues p99": _ratio(
            _worst(with_statistics, STATISTICS), _worst(with_statistics, WORK_QUEUES)
        ),
        "(S) all p99 / (W) all p99": _ratio(_worst(with_statistics, "all"), _worst(without, "all")),
    }
    missed = [
        f"statistics p99 {p.p99(STATISTICS):.0f} ms >= {TARGET_P99_MS:g} ms at {p.commands / p.seconds:.0f}/s"
        for p in with_statistics
        if not p.p99(STATISTICS) < TARGET_P99_MS
    ]
    missed += [
        f"({p.kind}) reached {p.commands / p.seconds:.0f}/s of {args.rate:g}/s"
        for p in phases
        if p.commands / p.seconds < 0.95 * args.rate
    ]
    doc = {
        "meta": meta,
        "params": {key: value for key, value in vars(args).items() if key != "worker_without_statistics"},
        "drivers": drivers,
        "probe_one_process_per_second": round(probe, 1),
        "history": {"events": synthetic.events, "cases": synthetic.cases},
        "lifecycle": list(STEPS),
        "phases": [phase.summary() for phase in phases],
        "ratios": {key: round(value, 2) for key, value in ratios.items()},
        "target_statistics_p99_ms": TARGET_P99_MS,
        "missed": missed,
        "total_seconds": round(time.perf_counter() - run_started, 1),
    }
    print_report(doc)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {RESULTS_FILE.relative_to(REPO)} (whole run {doc['total_seconds']} s)")


def _worst(phases: list[Phase], name: str) -> float:
    return max((phase.p99(name) for phase in phases), default=float("nan"))


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


if __name__ == "__main__":
    main()
