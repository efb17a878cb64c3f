"""``gridledger calendar import``: the official days of a year the package knows, refused for one it does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from interface.cli import main


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GRIDLEDGER_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    return CliRunner()


def test_import_2026_then_show_it(runner: CliRunner) -> None:
    imported = runner.invoke(main, ["calendar", "import", "--year", "2026"])
    assert imported.exit_code == 0, imported.output
    assert "imported 2026: 25 days" in imported.output

    shown = runner.invoke(main, ["calendar", "show", "--year", "2026"]).output
    for line in ("2026-01-04  workday   元旦调休", "2026-02-14  workday   春节调休", "2026-10-01  holiday   国庆节"):
        assert line in shown


def test_a_year_the_package_does_not_know_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "import", "--year", "2031"])
    assert result.exit_code != 0 and "does not know 2031" in result.output
    assert "no days entered for 2031" in runner.invoke(main, ["calendar", "show", "--year", "2031"]).output
