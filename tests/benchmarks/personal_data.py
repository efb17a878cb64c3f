"""Per-person encryption (crypto-shredding): what it costs a command, and a household's history with it.

On PostgreSQL, in one run, two ledgers with the same GRIDLEDGER_CIPHER_KEY (whole events encrypted by it):

  (p)  per-person keys: each report names a new reporter (a phone never seen), so each makes, wraps and stores a key
       and seals the reporter -- the dearest case
  (p1) the same reports without per-person keys (the single application key only, as before)

timed in alternating slices (so a busy machine's noise falls on both): p/p1 is what per-person keys cost. Then a
household of 50 events (its head and 24 members with ID numbers and phones, 25 care tag changes) is read and its
history rendered as the API does (``GET /households/{id}/history``), in a process with no key in memory (cold) and
again (warm).

Usage::

    python -m tests.benchmarks.personal_data [--ops N] [--warmup W] [--renders R]

The table goes to stdout, the numbers to ``tests/benchmarks/results/personal_data.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.cipher import AESCipher

from application.case_commands import CaseCommands
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.settings import Settings
from domain.personal_data import id_number_check_character
from interface.presenters import fieldwork
from tests.benchmarks.command_throughput import fresh_databases, git_state, report_body, time_alternating, utc_now
from tests.support.percentiles import percentile
from tests.support.postgres import postgres_server_url
from tests.support.territory import Territory, build_territory

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "personal_data.json"
TARGET = 0.85  # p/p1
HISTORY_MS = 20.0  # a household history of 50 events, rendered
TAGS = ("needy", "elderly_alone")


def id_number(n: int) -> str:
    first = f"360222198{n % 10}0101{n % 1000:03d}"
    return first + id_number_check_character(first)


def reporting(ledger: GridLedger, territory: Territory, offset: int) -> Any:
    commands, worker = CaseCommands(ledger), territory.staff["worker"]

    def report(i: int) -> None:
        body = {**report_body(territory, i), "reporter": {"name": "刘女士", "phone": f"139{offset + i:08d}"}}
        commands.report(worker, body)

    return report


def household_of_50_events(ledger: GridLedger, territory: Territory) -> str:
    households, worker = HouseholdCommands(ledger), territory.staff["worker"]
    head = {"name": "汪德福", "id_number": id_number(0), "phone": "13812345678"}
    home = households.register(
        worker, address="紫阳镇文公北路12号", grid=territory.grid("chayuan-01"), kind="rental", head=head
    )
    for n in range(1, 25):
        households.add_member(
            worker,
            home.id,
            name=f"租户{n}",
            relation="tenant",
            floating=True,
            id_number=id_number(n),
            phone=f"137{n:08d}",
        )
    for n in range(25):
        if n % 2 == 0:
            households.add_tag(worker, home.id, tag=TAGS[(n // 2) % 2])
        else:
            households.remove_tag(worker, home.id, TAGS[(n // 2) % 2])
    return home.id


def render_history(ledger: GridLedger, household_id: str, zone: ZoneInfo) -> float:
    began = time.perf_counter()
    household = ledger.load_household(household_id)
    fieldwork.history(household, ledger.history_of(household), zone=zone, reveal=True)
    return (time.perf_counter() - began) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args(argv)
    key = AESCipher.create_key(32)
    with fresh_databases(postgres_server_url(), "personal", "single") as urls:
        ledgers = {
            "p": GridLedger(Settings(database_url=urls["personal"], cipher_key=key)),
            "p1": GridLedger(Settings(database_url=urls["single"], cipher_key=key, person_keys=False)),
        }
        territories = {name: build_territory(ledger) for name, ledger in ledgers.items()}
        print("running (p) and (p1) alternating ...", flush=True)
        p, p1 = time_alternating(
            reporting(ledgers["p"], territories["p"], 0),
            reporting(ledgers["p1"], territories["p1"], 0),
            args.ops,
            args.warmup,
        )
        zone, history = ZoneInfo("Asia/Shanghai"), {}
        for name, url, person_keys in (("p", urls["personal"], True), ("p1", urls["single"], False)):
            household_id = household_of_50_events(ledgers[name], territories[name])
            fresh = GridLedger(Settings(database_url=url, cipher_key=key, person_keys=person_keys))
            cold = render_history(fresh, household_id, zone)
            warm = [render_history(fresh, household_id, zone) for _ in range(args.renders)]
            history[name] = {
                "events": len(fresh.history_of(fresh.load_household(household_id))),
                "cold_ms": round(cold, 2),
                "warm_p50_ms": round(percentile(warm, 0.5), 2),
                "warm_p99_ms": round(percentile(warm, 0.99), 2),
            }
            fresh.datastore.engine.dispose()
        for ledger in ledgers.values():
            ledger.datastore.engine.dispose()
    results = {
        "p": p.summary(),
        "p1": p1.summary(),
        "p/p1": round(p.ops_per_second / p1.ops_per_second, 3),
        "history": history,
    }
    meta = {
        **git_state(),
        "date": utc_now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "params": vars(args),
    }
    print(f"(p)  per-person keys, a new reporter each: {p.ops_per_second:8.1f} ops/s  p50 {p.percentile(0.5):.2f} ms")
    print(f"(p1) single application key:               {p1.ops_per_second:8.1f} ops/s  p50 {p1.percentile(0.5):.2f} ms")
    print(f"p/p1 = {results['p/p1']:.3f} (target >= {TARGET})")
    for name, label in (("p", "per-person keys"), ("p1", "single key")):
        h = history[name]
        print(
            f"household history of {h['events']} events, {label}: cold {h['cold_ms']} ms, "
            f"warm p50 {h['warm_p50_ms']} ms, p99 {h['warm_p99_ms']} ms (target <= {HISTORY_MS} ms)"
        )
    RESULTS_FILE.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
