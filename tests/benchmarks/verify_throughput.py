"""How fast ``gridledger verify`` checks the hash chain on PostgreSQL (target: ≥ 100,000 events/s, i.e. a
Beijing year of 45 M events in under 8 minutes).

On a fresh database: N event rows of the size real ones have are written by the server itself
(``generate_series``, no Python per row), chained the way ``gridledger db upgrade`` chains a store written
before the chain (timed too), then checked by ``GridLedger.verify_chain``, which is what ``gridledger verify``
runs. Usage::

    python -m tests.benchmarks.verify_throughput [--events N] [--state-bytes B]

The numbers go to stdout and to ``tests/benchmarks/results/verify_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from application.chain_reading import chain_unchained
from application.ledger import GridLedger
from application.settings import Settings
from tests.benchmarks.command_throughput import git_state, server_settings
from tests.support.postgres import create_database, drop_database, postgres_server_url

REPO = Path(__file__).resolve().parents[2]
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "verify_throughput.json"
TARGET_EVENTS_PER_SECOND = 100_000
TOPIC = "domain.case:Case.NoteAdded"


def write_events(ledger: GridLedger, events: int, state_bytes: int) -> float:
    """N events of ``state_bytes`` each (ten per aggregate), inserted by the server; returns seconds."""
    started = time.perf_counter()
    with ledger.datastore.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO gridledger_events (originator_id, originator_version, topic, state) "
                "SELECT md5((i / 10)::text)::uuid, i % 10 + 1, :topic, "
                "substring(decode(repeat(md5(i::text), :repeat), 'hex') FOR :size) "
                "FROM generate_series(0, :n - 1) AS i"
            ),
            {"topic": TOPIC, "repeat": state_bytes // 16 + 1, "size": state_bytes, "n": events},
        )
    return time.perf_counter() - started


def chain_existing(ledger: GridLedger) -> tuple[int, float]:
    started = time.perf_counter()
    with ledger.datastore.engine.begin() as connection:
        chained = chain_unchained(connection, ledger.recorder.events_table_name)
    return chained, time.perf_counter() - started


def run(events: int, state_bytes: int) -> dict[str, Any]:
    server, name = postgres_server_url(), f"gl_bench_verify_{uuid.uuid4().hex[:8]}"
    url = create_database(server, name)
    try:
        ledger = GridLedger(Settings(database_url=url))
        print(f"writing {events:,} events of {state_bytes} bytes ...", flush=True)
        write_seconds = write_events(ledger, events, state_bytes)
        print("chaining them as `gridledger db upgrade` does for a store written before the chain ...", flush=True)
        chained, chain_seconds = chain_existing(ledger)
        with ledger.datastore.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print("verifying ...", flush=True)
        started = time.perf_counter()
        verdict = ledger.verify_chain()
        verify_seconds = time.perf_counter() - started
        assert verdict.intact and verdict.checked == events == chained, verdict
        ledger.datastore.engine.dispose()
        postgres = server_settings(url)
    finally:
        drop_database(server, name)
    rate = events / verify_seconds
    return {
        **git_state(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "postgres": postgres,
        "params": {"events": events, "state_bytes": state_bytes},
        "write_seconds": round(write_seconds, 2),
        "chain_seconds": round(chain_seconds, 2),
        "chain_events_per_second": round(chained / chain_seconds),
        "verify_seconds": round(verify_seconds, 2),
        "verify_events_per_second": round(rate),
        "target_events_per_second": TARGET_EVENTS_PER_SECOND,
        "met": rate >= TARGET_EVENTS_PER_SECOND,
        "head": str(verdict.head),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the store")
    parser.add_argument("--state-bytes", type=int, default=360, help="stored bytes per event (fixture mean: 357)")
    args = parser.parse_args(argv)
    result = run(args.events, args.state_bytes)
    print(
        f"\ncommit {result['commit']}{' (dirty tree)' if result['dirty'] else ''}  {result['date']}  "
        f"cpus={result['cpu_count']}  postgres {result['postgres']['server_version']}\n"
        f"chained {args.events:,} existing events in {result['chain_seconds']:.1f} s "
        f"({result['chain_events_per_second']:,} events/s)\n"
        f"verified {args.events:,} events in {result['verify_seconds']:.1f} s "
        f"({result['verify_events_per_second']:,} events/s)   target >= {TARGET_EVENTS_PER_SECOND:,}: "
        f"{'MET' if result['met'] else 'MISSED'}"
    )
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
