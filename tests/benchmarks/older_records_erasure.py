"""What erasing people of older events costs a read: a household of 50 events recorded in clear (as before
per-person keys existed: the single application key only), its history rendered as the API does, by a process
with per-person keys -- with no one erased (the clear records open as they are, no HMAC) and with someone erased
(each clear record opened computes its 1-3 lookups and looks them up in the erased set).

On PostgreSQL, in one run: the household is written by a ledger without per-person keys, then a ledger with them
erases an unrelated resident (by phone: an erased lookup recorded) and renders the history in alternating slices
with its erased set as loaded and with it emptied in memory (the same process, the same cache state), so a busy
machine's noise falls on both. The ratio is what matters.

Usage::

    python -m tests.benchmarks.older_records_erasure [--renders R] [--slices S]

The table goes to stdout, the numbers to ``tests/benchmarks/results/older_records_erasure.json``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from eventsourcing.cipher import AESCipher

from application.ledger import GridLedger
from application.personal_data_commands import PersonalDataCommands
from application.settings import Settings
from tests.benchmarks.command_throughput import fresh_databases, git_state, utc_now
from tests.benchmarks.personal_data import household_of_50_events, render_history
from tests.support.percentiles import percentile
from tests.support.postgres import postgres_server_url
from tests.support.territory import build_territory

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "older_records_erasure.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20, help="renders per slice")
    parser.add_argument("--slices", type=int, default=10)
    args = parser.parse_args(argv)
    key, zone = AESCipher.create_key(32), ZoneInfo("Asia/Shanghai")
    with fresh_databases(postgres_server_url(), "older") as urls:
        older = GridLedger(Settings(database_url=urls["older"], cipher_key=key, person_keys=False))
        territory = build_territory(older)
        household_id = household_of_50_events(older, territory)
        older.datastore.engine.dispose()
        ledger = GridLedger(Settings(database_url=urls["older"], cipher_key=key))
        assert ledger.person_keys is not None
        PersonalDataCommands(ledger).erase(territory.staff["admin"], reason="基准", phone="13999999999")
        erased = ledger.person_keys.erased
        assert erased, "an erased lookup"
        timings: dict[str, list[float]] = {"none erased": [], "someone erased": []}
        render_history(ledger, household_id, zone)  # warm
        for _ in range(args.slices):
            for label, held in (("none erased", frozenset()), ("someone erased", erased)):
                ledger.person_keys._erased = held  # noqa: SLF001 - the benchmark's switch, in memory only
                timings[label] += [render_history(ledger, household_id, zone) for _ in range(args.renders)]
        events = len(ledger.history_of(ledger.load_household(household_id)))
        ledger.datastore.engine.dispose()
    results = {
        label: {"p50_ms": round(percentile(t, 0.5), 3), "p99_ms": round(percentile(t, 0.99), 3)}
        for label, t in timings.items()
    }
    ratio = results["someone erased"]["p50_ms"] / results["none erased"]["p50_ms"]
    results["events"] = events
    results["erased/none p50"] = round(ratio, 3)
    meta = {**git_state(), "date": utc_now().isoformat(timespec="seconds"), "cpu_count": os.cpu_count()}
    for label in ("none erased", "someone erased"):
        print(
            f"older household history ({events} events), {label}: p50 {results[label]['p50_ms']} ms, "
            f"p99 {results[label]['p99_ms']} ms"
        )
    print(f"someone erased / none erased (p50) = {ratio:.3f}")
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({"meta": meta, "params": vars(args), "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
