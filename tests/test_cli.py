"""The command line: staff add prints the token last; demo loads once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from interface.cli import main


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
