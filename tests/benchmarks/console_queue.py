"""The console's queue page (50 rows) on PostgreSQL: server time and page weight as the store grows to 1,000,000
cases (issue 15 asks ≤ 100 ms and ≤ 300 KB).

A sample of realistic case histories is generated with ``tests/benchmarks/synthetic.py`` and projected by the real
projection engine; then the rows of the two tables a queue page reads are cloned in SQL until they stand for
``--cases`` cases: ``rm_work_queue`` (the open cases of the sample, each copy with new ids and case numbers and its
dates moved by up to ±6 months, so deadlines spread over past and future) and the co-department rows of every case
of the sample (a department's queue reads them). The case list itself (``rm_case_list``) is not cloned: a queue
page never reads it. The pages are asked for through the Flask app (sign-in cookie, read policy, query, Jinja),
so the time is the server's whole answer (and, beside it, the part spent in the database driver), measured at every
size in the same run (the ratios are what to compare across machines). ``--all-open``: a backlog, every one of the
cases open (the queue table itself a million rows), instead of the sample's share of open cases.

    python -m tests.benchmarks.console_queue [--sample-events 20000] [--cases 10000,100000,1000000] [--runs 15]
                                             [--all-open]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from projections.case_list import co_departments
from projections.registry import Projections
from projections.work_queues import items as queue_items
from tests.benchmarks.command_throughput import fresh_databases
from tests.benchmarks.synthetic import SyntheticTerritory, build_synthetic_territory, generate
from tests.console.pages import sign_in
from tests.support.postgres import postgres_server_url

RESULTS = Path(__file__).parent / "results" / "console_queue.json"
SHIFT = "make_interval(mins => ((k * 7919) % 525600) - 262800)"  # up to ±6 months, different for each copy


def scenarios(world: SyntheticTerritory) -> list[tuple[str, str, str]]:
    """(label, who, path): the pages a dispatcher and a department clerk open most."""
    grid = world.territory.grid("chayuan")
    return [
        ("triage, earliest first", "dispatcher", "/console/queues/triage"),
        ("triage, latest first", "dispatcher", "/console/queues/triage?order=-due"),
        ("triage, category municipal", "dispatcher", "/console/queues/triage?category=municipal"),
        ("dispatch, one community", "dispatcher", f"/console/queues/dispatch?grid={grid}"),
        ("follow-up, latest first, page 20", "dispatcher", "/console/queues/follow-up?order=-due&page=20"),
        ("overdue", "dispatcher", "/console/queues/overdue"),
        ("department (城管), earliest first", "chengguan", "/console/queues/department"),
        (
            "department (城管), latest first, sanitation",
            "chengguan",
            "/console/queues/department?order=-due&category=sanitation",
        ),
    ]


def clone(ledger: GridLedger, copies_from: int, copies_to: int) -> None:
    """Copies ``copies_from``+1 … ``copies_to`` of the sample's queue and co-department rows (copy 0: the sample)."""
    columns = [column.name for column in queue_items.columns]
    chosen = {"id": "md5(id || ':' || k)", "case_no": "case_no || '~' || k"}
    for moved in ("created_at", "updated_at", "due_at", "accept_due_at", "claim_due_at", "resolve_due_at"):
        chosen[moved] = f"{moved} + {SHIFT}"
    chosen["follow_up_due_at"] = f"follow_up_due_at + {SHIFT}"
    expressions = ", ".join(chosen.get(name, name) for name in columns)
    sample = "position('~' in case_no) = 0"
    series = f"generate_series({copies_from + 1}, {copies_to}) AS k"
    with ledger.datastore.engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {queue_items.name} ({', '.join(columns)}) "
                f"SELECT {expressions} FROM {queue_items.name}, {series} WHERE {sample}"
            )
        )
        connection.execute(
            text(
                f"INSERT INTO {co_departments.name} (case_id, department) "
                f"SELECT md5(case_id || ':' || k), department FROM {co_departments.name}, {series} "
                f"WHERE length(case_id) = 36"
            )
        )
    with ledger.datastore.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM ANALYZE {queue_items.name}"))
        connection.execute(text(f"VACUUM ANALYZE {co_departments.name}"))


def count(ledger: GridLedger, table: str) -> int:
    with ledger.datastore.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


class DatabaseTime:
    """Seconds spent in the database driver (every engine: the session's account look-up and the queue's query)."""

    def __init__(self) -> None:
        self.seconds, self._started = 0.0, 0.0
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.seconds += time.perf_counter() - self._started


def measure(clients: dict[str, FlaskClient], pages: list[tuple[str, str, str]], runs: int) -> dict[str, Any]:
    """Median and 95th-percentile server time (ms) of each page, the median of its time in the database, and
    its weight (bytes)."""
    measured, database = {}, DatabaseTime()
    for label, who, path in pages:
        client, times, in_database, size = clients[who], [], [], 0
        for run in range(runs + 3):
            database.seconds = 0.0
            started = time.perf_counter()
            answer = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, (path, answer.status_code, answer.get_data(as_text=True)[:500])
            size = len(answer.data)
            if run >= 3:  # warm-up: the first answers fill the caches (grids, department names)
                times.append(elapsed)
                in_database.append(database.seconds * 1000)
        times.sort()
        measured[label] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "database_median_ms": round(statistics.median(in_database), 1),
            "bytes": size,
            "rows": answer.get_data(as_text=True).count('href="/console/cases/'),
        }
    return measured


@contextmanager
def console(ledger: GridLedger, world: SyntheticTerritory) -> Iterator[dict[str, FlaskClient]]:
    app: Flask = create_app(
        {"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False, "SECRET_KEY": "bench"}, ledger=ledger
    )
    clients = {}
    for who in ("dispatcher", "chengguan"):
        clients[who] = app.test_client()
        sign_in(clients[who], world.territory.tokens[who])
    yield clients


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample-events", type=int, default=20_000)
    parser.add_argument("--cases", default="10000,100000,1000000", help="Store sizes to measure at, in cases.")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--all-open",
        action="store_true",
        help="A backlog: every one of the cases open (in a queue), not the sample's share.",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.cases.split(","))
    with fresh_databases(postgres_server_url(), "console_queue") as urls:
        ledger = GridLedger(Settings(database_url=urls["console_queue"]))
        world = build_synthetic_territory(ledger)
        stats = generate(ledger, world, events=args.sample_events)
        projections = Projections(ledger)
        started = time.perf_counter()
        projections.engine.catch_up()
        projections.close()
        print(
            f"sample: {stats.cases} cases ({stats.open_cases} open), {stats.events} events, "
            f"projected in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        results: dict[str, Any] = {"sample": stats.summary(), "all_open": args.all_open, "sizes": {}}
        copies = 0
        for size in sizes:
            per_copy = stats.open_cases if args.all_open else stats.cases
            wanted = max(0, -(-size // per_copy) - 1)
            if wanted > copies:
                started = time.perf_counter()
                clone(ledger, copies, wanted)
                print(f"cloned to {wanted + 1} copies in {time.perf_counter() - started:.0f} s", flush=True)
                copies = wanted
            cases = (stats.open_cases if args.all_open else stats.cases) * (copies + 1)
            with console(ledger, world) as clients:
                pages = measure(clients, scenarios(world), args.runs)
            results["sizes"][str(size)] = {
                "cases": cases,
                "queue_rows": count(ledger, queue_items.name),
                "co_department_rows": count(ledger, co_departments.name),
                "pages": pages,
            }
            print(json.dumps({size: results["sizes"][str(size)]}, ensure_ascii=False, indent=1), flush=True)
        css = Path(__file__).resolve().parents[2] / "interface" / "static" / "console" / "console.css"
        results["stylesheet_bytes"] = css.stat().st_size
        smallest, largest = str(sizes[0]), str(sizes[-1])
        results["ratios_largest_to_smallest"] = {
            label: round(results["sizes"][largest]["pages"][label]["median_ms"] / max(0.1, figure["median_ms"]), 2)
            for label, figure in results["sizes"][smallest]["pages"].items()
        }
        ledger.datastore.engine.dispose()
    target = RESULTS.with_name("console_queue_backlog.json") if args.all_open else RESULTS
    target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(results["ratios_largest_to_smallest"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
