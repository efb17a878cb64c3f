"""Helpers for the projection engine's integration tests.

* ``WorkerProcess``: ``gridledger projections run`` as a real subprocess, to SIGKILL (optionally halted at a
  chosen point of its work first, see ``worker_halts``) or SIGTERM;
* ``drive_cases``: many cases taken through varied, realistic lifecycles (a few thousand events);
* ``read_model_rows`` / ``rebuilt_rows``: every row of the read models, and the same after a rebuild.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg2
import sqlalchemy.exc
from eventsourcing import persistence
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Engine

from application.case_commands import CaseCommands
from application.idempotency import IdempotencyKey
from projections.engine.runner import ProjectionEngine, ProjectionStatus
from projections.registry import all_projections
from tests.support.clock import MovableClock
from tests.support.territory import Territory
from tests.support.waiting import HANG_GUARD
from tests.support.worker_halts import HaltAt, Halted, halting_env, read_halt

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The read models every scenario must fill; any other registered read model is compared as well.
CORE_TABLES = ("rm_case_list", "rm_work_queue", "rm_audit_log")


def projection_names() -> list[str]:
    """Every registered projection (the worker runs them all)."""
    return [projection.name for projection in all_projections()]


def read_model_tables() -> dict[str, Table]:
    return {table.name: table for projection in all_projections() for table in projection.metadata.sorted_tables}


# -- the worker as a subprocess -------------------------------------------------------------------
class WorkerProcess:
    """``gridledger projections run`` in its own process, with its output kept in a log file."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        *,
        batch_size: int = 50,
        poll_interval: float = 0.05,
        label: str = "worker",
        halt_at: HaltAt | None = None,
    ) -> None:
        self.database_url = database_url
        self.log_path = log_dir / f"{label}-{time.monotonic_ns()}.log"
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.halt_at = halt_at
        self.halt_pipe: int | None = None  # our end of the pipe the halted worker reports on
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        env = {**os.environ, "GRIDLEDGER_DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        entry, pass_fds = "from interface.cli import main; main()", ()
        if self.halt_at is not None:
            self.halt_pipe, write_fd = os.pipe()
            env.update(halting_env(self.halt_at, write_fd))
            entry, pass_fds = "from tests.support.worker_halts import main; main()", (write_fd,)
        try:
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        entry,
                        "projections",
                        "run",
                        "--batch-size",
                        str(self.batch_size),
                        "--poll-interval",
                        str(self.poll_interval),
                    ],
                    env=env,
                    cwd=PROJECT_ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=pass_fds,
                    preexec_fn=_die_with_parent,
                )
        finally:
            for fd in pass_fds:  # the worker's copy alone: when it exits, our end reads end-of-file
                os.close(fd)
        return self

    def wait_for_halt(self, timeout: float = HANG_GUARD) -> Halted:
        """Until the worker has stopped at its ``halt_at`` point (``timeout``: a hang guard only)."""
        assert self.halt_pipe is not None, "started without halt_at"
        return read_halt(self.halt_pipe, timeout=timeout, describe=self.log)

    def wait_until_running(self, timeout: float = HANG_GUARD) -> None:
        """Until the worker has started its threads (it says so on stdout)."""
        deadline = time.monotonic() + timeout
        while "projection worker running" not in self.log(tail=None):
            if not self.alive:
                raise AssertionError(f"the worker exited during start-up:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start within {timeout} s:\n{self.log()}")
            time.sleep(0.01)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def kill(self) -> None:
        """SIGKILL: no clean-up, no rollback by the process itself (the database rolls back)."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=60)
        if self.halt_pipe is not None:
            os.close(self.halt_pipe)
            self.halt_pipe = None

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM, the worker's clean shutdown; returns its exit code (SIGKILL after ``timeout``)."""
        assert self.process is not None
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the worker ignored SIGTERM for {timeout} s; log:\n{self.log()}") from None

    def log(self, tail: int | None = 4000) -> str:
        """The worker's stdout and stderr (its last ``tail`` characters)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return text[-tail:] if tail else text


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL it if the test process dies first (Linux), so no worker leaks."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop_all(workers: Sequence[WorkerProcess]) -> None:
    """For ``finally`` blocks: no subprocess outlives its test."""
    for worker in workers:
        try:
            worker.kill()
        except Exception:  # noqa: BLE001 - keep stopping the others
            pass


def wait_until_caught_up(
    engine: ProjectionEngine, *, timeout: float, names: Sequence[str] | None = None
) -> list[ProjectionStatus]:
    """Poll the tracking table until every named projection is at the store's head (lag 0)."""
    names = list(names or engine.projections)
    deadline = time.monotonic() + timeout
    statuses: list[ProjectionStatus] = []
    while time.monotonic() < deadline:
        try:
            statuses = [s for s in engine.statuses() if s.name in names]
        except Exception:  # noqa: BLE001 - the database may be briefly unreachable in outage tests
            statuses = []
        if len(statuses) == len(names) and all(s.lag == 0 for s in statuses):
            return statuses
        if any(s.status != "running" for s in statuses):
            raise AssertionError(f"a projection stopped: {statuses}")
        time.sleep(0.05)
    raise AssertionError(f"projections did not catch up within {timeout} s: {statuses}")


# -- reading and rebuilding the read models ---------------------------------------------------------
def read_model_rows(db: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read model, all columns, ordered by primary key."""
    rows = {}
    with db.connect() as connection:
        for name, table in read_model_tables().items():
            key = list(table.primary_key.columns) or list(table.columns)
            rows[name] = [tuple(row) for row in connection.execute(select(table).order_by(*key))]
    return rows


def table_rows(db: Engine, tables: list[Table]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` as strings, sorted: equal whatever order or batch size wrote them."""
    with db.connect() as connection:
        return {
            table.name: sorted(tuple(str(v) for v in row) for row in connection.execute(select(table)))
            for table in tables
        }


def rebuilt_rows(engine: ProjectionEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Reset the real projections, replay the whole store in one go, and read the result."""
    names = projection_names()
    engine.reset(names)
    engine.catch_up(names)
    return read_model_rows(engine.engine)


def event_count(engine: ProjectionEngine) -> int:
    with engine.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(engine.events_table)).scalar_one()


def first_difference(actual: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> str:
    """A readable hint for an assertion message (the full lists are too long to print)."""
    actual_set, expected_set = set(actual), set(expected)
    missing, extra = expected_set - actual_set, actual_set - expected_set
    return (
        f"{len(actual)} rows vs {len(expected)} expected; {len(missing)} missing, {len(extra)} unexpected; "
        f"e.g. missing {sorted(missing, key=repr)[:1]}, unexpected {sorted(extra, key=repr)[:1]}"
    )


# -- realistic case lifecycles ----------------------------------------------------------------------
class RetryingCommands:
    """CaseCommands that survive a dropped connection: each call gets its own idempotency key and is
    retried with it, so a command whose commit reached the server before the drop is not done twice.
    It retries until the database answers again, however long a busy machine takes (``give_up_after``
    is a hang guard), not a fixed number of times."""

    RETRYABLE = (
        sqlalchemy.exc.OperationalError,
        sqlalchemy.exc.InterfaceError,
        persistence.OperationalError,
        persistence.InterfaceError,
        psycopg2.OperationalError,
        psycopg2.InterfaceError,
    )

    def __init__(self, commands: CaseCommands, *, give_up_after: float = HANG_GUARD) -> None:
        self.commands = commands
        self.give_up_after = give_up_after
        self.retries = 0

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.commands, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            key = IdempotencyKey(key=f"retry-{uuid.uuid4().hex}", fingerprint=name)
            deadline = time.monotonic() + self.give_up_after
            for attempt in itertools.count():
                try:
                    return method(*args, idempotency=key, **kwargs)
                except self.RETRYABLE:
                    if time.monotonic() > deadline:
                        raise
                    self.retries += 1
                    time.sleep(min(0.02 * (attempt + 1), 0.3))  # back off, not wait for something
            raise AssertionError("unreachable")

        return call


def _report(
    cases: CaseCommands | RetryingCommands,
    t: Territory,
    who: str,
    n: int,
    *,
    grid: str = "chayuan-01",
    category: str = "municipal",
    track: str = "general",
    channel: str = "grid_app",
) -> str:
    body = {
        "title": f"路灯不亮 #{n}",
        "description": f"文公北路{n}号门前路灯连续三晚不亮。",
        "category": category,
        "track": track,
        "channel": channel,
        "grid": t.grid(grid),
        "location": {"address": f"紫阳镇文公北路{n}号"},
    }
    if who == "intake":
        body["reporter"] = {"name": "刘女士", "phone": "13812345678"}
    return str(cases.report(t.staff[who], body).id)


def drive_cases(
    cases: CaseCommands | RetryingCommands, t: Territory, clock: MovableClock, count: int, *, seed: int = 7
) -> dict[str, int]:
    """Take ``count`` cases through varied lifecycles; returns how many cases took each path.

    Ten paths (closed, returned and reworked, rejected, on the spot, extended, awaiting follow-up,
    dispatched, merged, reopened, in triage): about 5.3 events per case, every event type of a case.
    """
    rng = random.Random(seed)
    s = t.staff
    d = s["dispatcher"]
    open_targets: list[str] = []  # cases a later duplicate may be merged into
    paths: dict[str, int] = {}

    def closed(n: int) -> None:  # 8 events: the full road, with a co-department and a progress note
        case = _report(cases, t, "worker", n)
        cases.accept(d, case)
        cases.dispatch(d, case, lead_department=t.department("chengguan"), co_departments=[t.department("zhujian")])
        clock.advance(hours=1)
        cases.claim(s["chengguan"], case)
        cases.note(s["zhujian"], case, text="住建已确认管网走向。")
        cases.resolve(s["chengguan"], case, result="已更换灯具。")
        cases.follow_up(d, case, satisfaction="satisfied", method="phone", comment="群众满意")
        cases.close(d, case)

    def returned_then_reworked(n: int) -> None:  # 12 events: wrong department, then 返工 once
        case = _report(cases, t, "other_worker", n, grid="chayuan-02", category="dispute")
        cases.accept(d, case, track="instant")
        cases.dispatch(d, case, lead_department=t.department("zhujian"), co_departments=[])
        cases.return_to_centre(s["zhujian"], case, reason="属邻里纠纷，建议派出所处理。")
        cases.dispatch(d, case, lead_department=t.department("paichusuo"), co_departments=[])
        cases.claim(s["paichusuo"], case)
        clock.advance(hours=2)
        cases.resolve(s["paichusuo"], case, result="已调解。")
        cases.follow_up(d, case, satisfaction="unsatisfied", method="visit", comment="次日又吵")
        cases.resolve(s["paichusuo"], case, result="再次调解并签订协议。")
        cases.follow_up(d, case, satisfaction="basically_satisfied", method="phone")
        cases.close(d, case)

    def rejected(n: int) -> None:  # 2 events
        case = _report(cases, t, "intake", n, grid="chayuan", category="other", channel="mini_program")
        cases.reject(d, case, reason="不属于网格事项，已电话答复。")

    def on_the_spot(n: int) -> None:  # 4 events: 见事管事
        case = _report(cases, t, "worker", n, category="sanitation", track="instant")
        cases.resolve(s["worker"], case, result="现场协调清理完毕。")
        cases.follow_up(d, case, satisfaction="satisfied", method="visit")  # never whoever resolved it
        cases.close(d, case)

    def in_progress_extended(n: int) -> None:  # 7 events, still open (department queue)
        case = _report(cases, t, "worker", n, category="sanitation")
        cases.accept(d, case)
        cases.dispatch(d, case, lead_department=t.department("chengguan"), co_departments=[])
        cases.claim(s["chengguan"], case)
        cases.note(s["chengguan"], case, text="已派清淤车。")
        cases.extend(d, case, due_at=clock.now + timedelta(days=30), reason="需等待管网施工。")
        cases.note(d, case, text="调度中心催办。")
        open_targets.append(case)

    def awaiting_follow_up(n: int) -> None:  # 5 events, follow-up queue
        case = _report(cases, t, "intake", n, category="public_order", channel="hotline")
        cases.accept(d, case)
        cases.dispatch(d, case, lead_department=t.department("paichusuo"), co_departments=[])
        cases.claim(s["paichusuo"], case)
        cases.resolve(s["paichusuo"], case, result="车辆已追回。")

    def dispatched_waiting(n: int) -> None:  # 3 events, claim deadline running
        case = _report(cases, t, "other_worker", n, grid="chayuan-02", category="parking", channel="snapshot")
        cases.accept(d, case)
        cases.dispatch(d, case, lead_department=t.department("zhujian"), co_departments=[t.department("chengguan")])
        open_targets.append(case)

    def merged(n: int) -> None:  # 3 events: Reported, then Merged + DuplicateAbsorbed on the target
        if not open_targets:
            return in_triage(n)
        case = _report(cases, t, "worker", n, category="sanitation", track="instant")
        cases.merge(d, case, into=rng.choice(open_targets))

    def reopened_by_dispatcher(n: int) -> None:  # 8 events: satisfied call-back, reopened anyway
        case = _report(cases, t, "worker", n)
        cases.accept(d, case, category="safety_hazard")
        cases.dispatch(d, case, lead_department=t.department("zhujian"), co_departments=[])
        cases.claim(s["zhujian"], case)
        cases.resolve(s["zhujian"], case, result="已加固。")
        cases.follow_up(s["worker"], case, satisfaction="satisfied", method="sms")
        cases.reopen(d, case, reason="督查发现仍有隐患。")
        cases.note(s["zhujian"], case, text="重新评估中。")

    def in_triage(n: int) -> None:  # 1 event
        _report(
            cases,
            t,
            rng.choice(["worker", "intake", "dispatcher"]),
            n,
            grid="chayuan-01",
            category=rng.choice(["livelihood", "safety_hazard", "dispute"]),
        )

    lifecycles = [
        closed,
        returned_then_reworked,
        rejected,
        on_the_spot,
        in_progress_extended,
        awaiting_follow_up,
        dispatched_waiting,
        merged,
        reopened_by_dispatcher,
        in_triage,
    ]
    for n in range(count):
        path = lifecycles[n] if n < len(lifecycles) else rng.choice(lifecycles)
        path(n)
        paths[path.__name__] = paths.get(path.__name__, 0) + 1
        clock.advance(minutes=rng.randint(1, 30))
    return paths
