"""The ``gridledger`` command line: serve, staff add, demo."""

from __future__ import annotations

import click

from application.ledger import GridLedger
from application.settings import Settings
from domain.actor import Role


@click.group()
def main() -> None:
    """gridledger: event-sourced case ledger for grid governance (网格化管理)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int,
              help="Worker processes (default: 1 on SQLite, 2×CPU on PostgreSQL).")
@click.option("--threads", default=None, type=int,
              help="Threads per worker (default: 8 on SQLite, 2 on PostgreSQL).")
@click.option("--demo", is_flag=True, help="Load the demo territory first if the database is empty.")
def serve(host: str, port: int, workers: int | None, threads: int | None, demo: bool) -> None:
    """Serve the HTTP API with gunicorn."""
    from interface.server import run_server

    settings = Settings.from_env()
    if demo:
        from interface.demo import load_demo

        load_demo(settings, echo=click.echo)
    run_server(settings, host=host, port=port, workers=workers, threads=threads)


@main.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", default=None, help="Department code (department staff).")
@click.option("--grid", default=None, help="Grid code: the root of the staff member's scope.")
def staff_add(name: str, role: str, org: str | None, grid: str | None) -> None:
    """Create a staff account; the token is printed alone on the last line."""
    from application.errors import ApplicationError

    ledger = GridLedger(Settings.from_env())
    try:
        member, token = ledger.directory.add_staff(name=name, role=Role(role), department=org, grid=grid)
    except ApplicationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created {member.role.value} {member.name} ({member.id})")
    click.echo(token)


@main.command()
def demo() -> None:
    """Load a demo territory, departments, staff and cases drawn from the source articles."""
    from interface.demo import load_demo

    load_demo(Settings.from_env(), echo=click.echo)
