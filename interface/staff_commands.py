"""``gridledger staff …``: add, list, revoke and rotate staff accounts, make one-time console sign-in links
(acting as the console)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import click

from application.errors import ApplicationError
from application.ledger import GridLedger
from application.settings import Settings
from application.sign_in_codes import MAX_MINUTES
from application.staff_accounts import console_staff
from domain.actor import Role
from domain.errors import DomainError
from interface.endpoint import CONSOLE_PREFIX


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", default=None, help="Department code (department staff).")
@click.option("--grid", default=None, help="Grid code: the root of the staff member's scope.")
def add(name: str, role: str, org: str | None, grid: str | None) -> None:
    """Create a staff account; the token is printed alone on the last line."""
    with _refusals_as_errors() as ledger:
        member, token = ledger.staff_accounts.add(name=name, role=Role(role), department=org, grid=grid)
    click.echo(f"created {member.role.value} {member.name} ({member.id})")
    click.echo(token)


@staff.command("list")
@click.option("--role", default=None, type=click.Choice([r.value for r in Role]))
@click.option("--grid", default=None, help="Accounts scoped within this grid's subtree.")
@click.option("--org", default=None, help="Department or grid code.")
@click.option("--revoked/--active", default=None, help="Only revoked, or only active, accounts (default: both).")
def list_accounts(role: str | None, grid: str | None, org: str | None, revoked: bool | None) -> None:
    """Every account matching, by name: id, role, scope, and whether it is revoked."""
    active = None if revoked is None else not revoked
    with _refusals_as_errors() as ledger:
        members = _every_page(
            lambda page: ledger.directory.list_staff(
                within=None, grid=grid, role=role, org=org, active=active, page=page, per_page=200
            )
        )
    for member in members:
        state, scope = "active" if member.active else "revoked", member.department or member.grid or "-"
        click.echo(f"{member.id}  {member.role.value:<17}  {scope:<24}  {state:<7}  {member.name}")


@staff.command("revoke")
@click.argument("staff_id")
@click.option("--reason", default="revoked at the console", show_default=True)
def revoke(staff_id: str, reason: str) -> None:
    """Revoke an account: its token stops working at once, in every process."""
    with _refusals_as_errors() as ledger:
        ledger.staff_accounts.revoke(console_staff(), staff_id, reason=reason)
    click.echo(f"revoked {staff_id}")


@staff.command("rotate")
@click.argument("staff_id")
def rotate(staff_id: str) -> None:
    """Give an account a new token (printed alone on the last line); the old one stops working at once."""
    with _refusals_as_errors() as ledger:
        _, token = ledger.staff_accounts.rotate_token(console_staff(), staff_id)
    click.echo(f"rotated the token of {staff_id}")
    click.echo(token)


@staff.command("login-link")
@click.argument("staff_id")
@click.option(
    "--minutes", default=15, show_default=True, type=click.IntRange(1, MAX_MINUTES), help="How long it works."
)
@click.option("--port", default=8000, show_default=True, type=int, help="The port of the default base URL.")
@click.option(
    "--base-url",
    envvar="GRIDLEDGER_BASE_URL",
    default=None,
    help="Where people reach the console (env GRIDLEDGER_BASE_URL; default http://127.0.0.1:PORT).",
)
def login_link(staff_id: str, minutes: int, port: int, base_url: str | None) -> None:
    """A one-time console sign-in link for an account (printed alone on the last line): it works once, for
    MINUTES, and stops working when the account's token is rotated or the account revoked."""
    with _refusals_as_errors() as ledger:
        _, code, expires_at = ledger.staff_accounts.issue_sign_in_code(console_staff(), staff_id, minutes=minutes)
        local = expires_at.astimezone(ledger.local_zone).strftime("%Y-%m-%d %H:%M")
    root = (base_url or f"http://127.0.0.1:{port}").rstrip("/")
    click.echo(f"one-time sign-in link for {staff_id}, valid until {local}")
    click.echo(f"{root}{CONSOLE_PREFIX}/sign-in?{urlencode({'code': code})}")


@contextmanager
def _refusals_as_errors() -> Iterator[GridLedger]:
    """The ledger; a refusal (unknown account, wrong state, bad scope) ends the command with its message."""
    ledger = GridLedger(Settings.from_env())
    try:
        yield ledger
    except (ApplicationError, DomainError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        ledger.datastore.engine.dispose()


def _every_page(read: Callable[[int], tuple[list[Any], int]]) -> list[Any]:
    found, page = [], 1
    while True:
        members, total = read(page)
        found.extend(members)
        if len(found) >= total or not members:
            return found
        page += 1
