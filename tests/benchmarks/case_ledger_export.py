"""The 台账 export (``GET /cases?format=csv|xlsx``) over a small and a large case list on PostgreSQL: rows a second,
and the peak of Python's memory while the whole file is made — which stays flat if the rows are streamed in
batches (the large export's peak over the small one's: ~1), and grows with the count if anything holds them.

The case list is filled directly with synthetic rows (``projection_throughput.fill_read_models``); the export runs
what the view runs — ``case_list.every_match`` (keyset batches of ``EXPORT_BATCH``), the 台账's cells
(``case_ledger_formats.values``) and the CSV chunks or the write-only XLSX — for the whole county (an auditor's
export of everything). Each size and format is timed once plain and once under ``tracemalloc`` (its peak).

    python -m tests.benchmarks.case_ledger_export [--small 10000] [--large 100000]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.read_scope import ReadScope
from interface import case_ledger_formats as formats
from projections.case_list import EXPORT_BATCH, CaseFilters, every_match
from tests.benchmarks.command_throughput import fresh_databases, git_state
from tests.benchmarks.projection_throughput import QUERY_NOW, fill_read_models
from tests.support.postgres import postgres_server_url

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "case_ledger_export.json"
ZONE = ZoneInfo("Asia/Shanghai")
NAMES = formats.Names(grid=lambda code: f"网格{code}", community=lambda code: "某社区", department=lambda code: code)
TARGET_PEAK_RATIO = 1.5  # the large export's memory peak over the small one's: flat, give or take a batch


def export(engine: Any, fmt: str) -> tuple[int, int]:
    """The whole county's 台账 made and read to the end; answers (rows, bytes)."""
    context = formats.Context(now=QUERY_NOW, zone=ZONE, names=NAMES)
    counted = [0]

    def rows() -> Any:
        for row in every_match(engine, CaseFilters(), ReadScope(everything=True), now=QUERY_NOW):
            counted[0] += 1
            yield row

    cells = formats.values(rows(), context)
    size = 0
    if fmt == "csv":
        for chunk in formats.csv_chunks(cells):
            size += len(chunk)
    else:
        with formats.xlsx_file(cells, "台账") as file:
            while chunk := file.read(formats.COPY_CHUNK):
                size += len(chunk)
    return counted[0], size


def measured(run: Callable[[], tuple[int, int]]) -> dict[str, Any]:
    gc.collect()
    started = time.perf_counter()
    rows, size = run()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_mib": round(peak / 2**20, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    with ExitStack() as stack:
        urls = stack.enter_context(fresh_databases(postgres_server_url(), "small", "large"))
        engines = {}
        for label, n in (("small", args.small), ("large", args.large)):
            print(f"filling {n:,} cases ...", flush=True)
            engines[label], _ = fill_read_models(urls[label], n)
            stack.callback(engines[label].dispose)
        for fmt in ("csv", "xlsx"):
            for label in ("small", "large"):
                print(f"exporting {label} as {fmt} ...", flush=True)
                results[f"{fmt} {label}"] = measured(lambda engine=engines[label], fmt=fmt: export(engine, fmt))
                print(f"  {results[f'{fmt} {label}']}", flush=True)
    ratios = {
        f"{fmt} peak large/small": round(results[f"{fmt} large"]["peak_mib"] / results[f"{fmt} small"]["peak_mib"], 2)
        for fmt in ("csv", "xlsx")
    }
    missed = [f"{key} {value} > {TARGET_PEAK_RATIO}" for key, value in ratios.items() if value > TARGET_PEAK_RATIO]
    doc = {
        "meta": {**git_state(), "date": datetime.now(UTC).isoformat(timespec="seconds")},
        "params": {**vars(args), "batch": EXPORT_BATCH},
        "results": results,
        "ratios": ratios,
        "target_peak_ratio": TARGET_PEAK_RATIO,
        "missed": missed,
    }
    print(f"\n{'export':<14}{'rows':>10}{'MiB out':>10}{'seconds':>10}{'rows/s':>10}{'peak MiB':>10}")
    for key, result in results.items():
        print(
            f"{key:<14}{result['rows']:>10,}{result['bytes'] / 2**20:>10.1f}{result['seconds']:>10}"
            f"{result['rows_per_second']:>10,}{result['peak_mib']:>10}"
        )
    for key, value in ratios.items():
        print(f"{key}: {value} (target ≤ {TARGET_PEAK_RATIO})")
    print("MISSED: " + "; ".join(missed) if missed else "memory flat: met")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
