"""``gridledger calendar``: the working-day calendar from the command line (import the official days, list)."""

from __future__ import annotations

from datetime import datetime

import click

from application.ledger import GridLedger
from application.official_calendar import known_years
from application.settings import Settings
from application.staff import StaffMember
from domain.actor import Role
from domain.errors import InvalidCommand

# Who the calendar's events name when they come from the command line (an operator at the server).
COMMAND_LINE = StaffMember(id="gridledger-cli", name="gridledger calendar import", role=Role.ADMIN)


@click.group()
def calendar() -> None:
    """The working-day calendar: public holidays and 调休 working days."""


@calendar.command("import")
@click.option(
    "--year", type=int, default=None, help="One year (default: this year and every later one the package knows)."
)
def calendar_import(year: int | None) -> None:
    """Load the official days that the chinese-calendar package knows, each year as one new calendar version."""
    ledger = GridLedger(Settings.from_env())
    this_year = datetime.now(ledger.local_zone).year
    years = [year] if year is not None else [y for y in known_years() if y >= this_year]
    if not years:
        raise click.ClickException(
            f"chinese-calendar knows {known_years()[0]}–{known_years()[-1]}, nothing from {this_year} on: "
            "enter the days with PUT /api/v1/calendar/{date}, or upgrade the package"
        )
    for one in years:
        try:
            result = ledger.clock_rules.import_year(COMMAND_LINE, one)
        except InvalidCommand as error:
            raise click.ClickException(error.message) from error
        days = ledger.clock_rules.calendar_days(one)["days"]
        click.echo(f"imported {one}: {len(days)} days that differ from Mon–Fri (calendar version {result.version})")


@calendar.command("show")
@click.option("--year", type=int, required=True)
def calendar_show(year: int) -> None:
    """The year's days that differ from Mon–Fri."""
    state = GridLedger(Settings.from_env()).clock_rules.calendar_days(year)
    click.echo(f"calendar version {state['version']}")
    for day in state["days"]:
        click.echo(f"{day['date']}  {day['kind']:8}  {day['name']}")
    if not state["days"]:
        click.echo(f"no days entered for {year}: deadlines count Mon–Fri and say calendar_complete: false")
