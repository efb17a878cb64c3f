"""The command line: staff add prints the token last; demo loads once; --version; rebuild checks first."""

from __future__ import annotations

from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from interface.cli import main
from projections.registry import Projections, rebuild
from tests.support.clock import MovableClock
from tests.support.projection_worker import drive_cases
from tests.support.territory import Territory


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GRIDLEDGER_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    return CliRunner()


def test_demo_then_staff_add_prints_a_working_token(runner: CliRunner) -> None:
    demo = runner.invoke(main, ["demo"])
    assert demo.exit_code == 0, demo.output
    assert "婺源县" in demo.output and demo.output.count("glt_") == 12
    again = runner.invoke(main, ["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output

    added = runner.invoke(main, ["staff", "add", "--name", "程晓燕", "--role", "grid_worker", "--grid", "chayuan-01"])
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    assert token.startswith("glt_") and " " not in token

    from interface.app import create_app

    app = create_app({"TESTING": True})
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["name"], me["grid"]) == ("程晓燕", "chayuan-01")
    app.extensions["gridledger"].projections.close()


def test_staff_add_refuses_an_unknown_grid(runner: CliRunner) -> None:
    result = runner.invoke(main, ["staff", "add", "--name", "x", "--role", "grid_worker", "--grid", "nowhere"])
    assert result.exit_code != 0 and "unknown grid" in result.output


def test_version_is_the_installed_package_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"gridledger {metadata.version('gridledger')}\n"
    assert result.output == "gridledger 0.1.0\n"


@pytest.fixture
def store(ledger: GridLedger, territory: Territory, clock: MovableClock, monkeypatch: pytest.MonkeyPatch) -> int:
    """A store of a few cases' events, the command line pointed at it; returns the number of events."""
    drive_cases(CaseCommands(ledger), territory, clock, 5)
    monkeypatch.setenv("GRIDLEDGER_DATABASE_URL", ledger.settings.database_url)
    projections = Projections(ledger)
    try:
        projections.engine.catch_up()
        return projections.engine.head()
    finally:
        projections.close()


def test_rebuild_of_an_unknown_read_model_fails_before_doing_anything(store: int, ledger: GridLedger) -> None:
    before = _positions(ledger)
    result = CliRunner().invoke(main, ["projections", "rebuild", "nope"])
    assert result.exit_code == 2
    assert "rebuilding" not in result.output
    assert "'nope' is not one of 'case_list', 'work_queues', 'audit_log'" in result.output
    assert _positions(ledger) == before == {name: store for name in before}


def test_the_rebuild_progress_bar_starts_at_zero_of_every_event(
    store: int, ledger: GridLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars: list[tuple[int, int]] = []  # (length, position) of each bar as it opens
    real_progressbar = click.progressbar

    def recording_progressbar(**options: Any) -> Any:
        bar = real_progressbar(**options)
        bars.append((bar.length, bar.pos))
        return bar

    monkeypatch.setattr(click, "progressbar", recording_progressbar)
    seen: list[tuple[int, int]] = []
    rebuild(partial(GridLedger, ledger.settings), ["meetings"], on_progress=lambda at, head: seen.append((at, head)))
    assert seen[0] == (0, store) and store > 0

    result = CliRunner().invoke(main, ["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    assert bars == [(store, 0)]


def test_jobs_on_sqlite_says_it_runs_in_one_process(store: int, ledger: GridLedger) -> None:
    result = CliRunner().invoke(main, ["projections", "rebuild", "--jobs", "4"])
    assert result.exit_code == 0, result.output
    said = "SQLite has one writer: rebuilding in one process (--jobs 4 ignored)"
    if ledger.settings.database_url.startswith("sqlite"):
        assert said in result.output and "in 1 process(es)" in result.output
    else:
        assert said not in result.output and "in 4 process(es)" in result.output


def _positions(ledger: GridLedger) -> dict[str, int]:
    projections = Projections(ledger)
    try:
        return {status.name: status.position for status in projections.engine.statuses()}
    finally:
        projections.close()


def test_the_demo_on_sqlite_makes_a_key_file_and_says_so(runner: CliRunner, tmp_path: Path) -> None:
    demo = runner.invoke(main, ["demo"])
    assert demo.exit_code == 0, demo.output
    key_file = tmp_path / "cli.db.key"
    assert f"created {key_file}" in demo.output and key_file.stat().st_mode & 0o077 == 0
    from application.settings import Settings

    settings = Settings.from_env()
    assert settings.cipher_key == key_file.read_text().strip()  # every later command finds it
    ledger = GridLedger(settings)
    assert ledger.person_keys is not None
    ledger.datastore.engine.dispose()


def test_serve_refuses_postgresql_without_a_cipher_key_unless_plaintext_is_allowed(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interface import server

    started: list[Any] = []
    monkeypatch.setattr(server, "run_server", lambda settings, **_: started.append(settings))
    monkeypatch.setattr("interface.database_commands.upgrade_database", lambda *_, **__: None)
    url = "postgresql://postgres@127.0.0.1:5432/not_reached"
    refused = runner.invoke(main, ["serve"], env={"GRIDLEDGER_DATABASE_URL": url, "GRIDLEDGER_ALLOW_PLAINTEXT": ""})
    assert refused.exit_code == 1 and "GRIDLEDGER_CIPHER_KEY is not set" in refused.output and not started
    allowed = runner.invoke(main, ["serve"], env={"GRIDLEDGER_DATABASE_URL": url, "GRIDLEDGER_ALLOW_PLAINTEXT": "1"})
    assert allowed.exit_code == 0, allowed.output
    assert "stored in clear" in allowed.output and len(started) == 1
