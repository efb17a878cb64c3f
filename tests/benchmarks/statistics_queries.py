"""Statistics query latency on PostgreSQL: `/stats/monthly?by=community` for one month, the same `as_of`, and a page
of a figure's drill-down — over a store of MONTHS months and over one of a single month with the same volume a month,
so the growth with the store's size shows. Contribution rows are written straight into the read model's tables.

    python -m tests.benchmarks.statistics_queries [--per-month 5000] [--months 24] [--runs 30]
"""

from __future__ import annotations

import argparse
import random
import statistics as stats
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from projections import statistics as model
from projections import statistics_queries as figures
from projections.case_list import metadata as case_list_metadata
from projections.engine.bulk import insert_rows
from projections.storage import tables
from tests.benchmarks.command_throughput import fresh_databases
from tests.support.postgres import postgres_server_url

TOWNS, COMMUNITIES, GRIDS = 4, 5, 4
CATEGORIES = ("municipal", "sanitation", "parking", "dispute", "safety_hazard")
CHANNELS = ("hotline", "mini_program", "grid_app", "snapshot")


def _grids(connection: Connection) -> list[tuple[str, str]]:
    """A county of TOWNS towns of COMMUNITIES communities of GRIDS grids; answers the grids' (code, path)."""
    now, rows, leaves = datetime.now(UTC), [], []

    def add(code: str, level: str, parent: str | None, path: str) -> None:
        rows.append({"code": code, "name": code, "level": level, "parent": parent, "path": path, "created_at": now})

    add("county", "county", None, "/county/")
    for t in range(TOWNS):
        town = f"t{t}"
        add(town, "town", "county", f"/county/{town}/")
        for c in range(COMMUNITIES):
            community = f"{town}c{c}"
            add(community, "community", town, f"/county/{town}/{community}/")
            for g in range(GRIDS):
                grid = f"{community}g{g}"
                add(grid, "grid_large", community, f"/county/{town}/{community}/{grid}/")
                leaves.append((grid, f"/county/{town}/{community}/{grid}/"))
    connection.execute(tables.grids.insert(), rows)
    return leaves


def _fill(url: str, per_month: int, months: int) -> tuple[Any, str]:
    """A store of ``months`` months of ``per_month`` cases each; answers the engine and its last month."""
    engine = create_engine(url)
    for metadata in (tables.metadata, model.metadata, case_list_metadata):
        metadata.create_all(engine)
    random.seed(14)
    start = datetime(2025, 1, 15, 2, 0, tzinfo=UTC)
    position = 0
    with engine.begin() as connection:
        leaves = _grids(connection)
        for month_index in range(months):
            rows = []
            for _ in range(per_month):
                at = start + timedelta(days=30.4 * month_index, hours=random.random() * 240)
                grid, path = random.choice(leaves)
                case = {
                    "case_id": str(uuid.uuid4()),
                    "month": model.local_month(at),
                    "grid": grid,
                    "grid_path": path,
                    "department": f"d{random.randrange(12)}",
                    "category": random.choice(CATEGORIES),
                    "channel": random.choice(CHANNELS),
                    "track": "general",
                    "sign": 1,
                    "retracts_position": None,
                    "retracts_seq": None,
                }
                met = random.random() < 0.9
                for measures, event, hours in (
                    (("received", "general"), "Reported", 0),
                    (("dispatched",), "Dispatched", 1),
                    (("claim_decided", *(["claim_met"] if met else [])), "Claimed", 3),
                    (("resolved", "resolve_decided", "resolve_met"), "Resolved", 30),
                    (("followed_up", "answered", "satisfied", "solved"), "FollowedUp", 50),
                ):
                    position += 1
                    moment = at + timedelta(hours=hours)
                    bits = sum(model.BITS[measure] for measure in measures)
                    rows.append(
                        {
                            **case,
                            "position": position,
                            "seq": 0,
                            "measures": bits,
                            "event_type": event,
                            "decided_at": moment,
                            "recorded_at": moment,
                        }
                    )
            insert_rows(connection, model.contributions, rows)
        last = model.local_month(start + timedelta(days=30.4 * (months - 1), hours=120))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return engine, last


def _timed(engine: Any, run: Callable[[Connection], object], runs: int) -> dict[str, float]:
    laps = []
    with engine.connect() as connection:
        run(connection)  # warm-up
        for _ in range(runs):
            began = time.perf_counter()
            run(connection)
            laps.append((time.perf_counter() - began) * 1000)
    laps.sort()
    return {"p50_ms": round(stats.median(laps), 1), "p99_ms": round(laps[min(len(laps) - 1, int(len(laps) * 0.99))], 1)}


def _queries(month: str) -> dict[str, Callable[[Connection], object]]:
    now = datetime.now(UTC)
    current = figures.Selection(months=[month], now=now, root_path="/county/")
    as_of = figures.Selection(months=[month], now=now, root_path="/county/", as_of=now - timedelta(days=1))
    return {
        "monthly by=community": lambda c: figures.unit_counts(c, current, "community"),
        "monthly by=community as_of": lambda c: figures.unit_counts(c, as_of, "community"),
        "drill-down received of a town, page 1": lambda c: figures.counted_cases(
            c, current, "received", by="town", unit="/county/t0/", page=1, per_page=50
        ),
        "drill-down received of a town, page 20": lambda c: figures.counted_cases(
            c, current, "received", by="town", unit="/county/t0/", page=20, per_page=50
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-month", type=int, default=5_000, help="cases a month")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    with fresh_databases(postgres_server_url(), "stats_small", "stats_large") as urls:
        results: dict[str, dict[str, dict[str, float]]] = {}
        for label, months in (("small", 1), ("large", args.months)):
            began = time.perf_counter()
            engine, month = _fill(urls[f"stats_{label}"], args.per_month, months)
            print(f"{label}: {months * args.per_month:,} cases in {time.perf_counter() - began:.1f} s", flush=True)
            results[label] = {name: _timed(engine, run, args.runs) for name, run in _queries(month).items()}
            engine.dispose()
    print(f"\n{'query':45} {'small p50/p99 ms':>18} {'large p50/p99 ms':>18} {'growth p99':>10}")
    for name, small in results["small"].items():
        large = results["large"][name]
        growth = large["p99_ms"] / small["p99_ms"] if small["p99_ms"] else float("nan")
        print(
            f"{name:45} {small['p50_ms']:>8} / {small['p99_ms']:<7} {large['p50_ms']:>8} / {large['p99_ms']:<7}"
            f" {growth:>9.1f}x"
        )


if __name__ == "__main__":
    main()
