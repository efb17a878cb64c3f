"""Staff accounts: register, change role, rotate the token, revoke — each an event on the account's aggregate.

The table that authenticates requests (``gridledger_staff``, token hashes) and the role history
(``gridledger_staff_roles``) are written in the same transaction as the event; updating the table moves the
security generation on (a trigger), so a revoked or rotated token fails on the very next request in every process
(application/security_generation.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from sqlalchemy import insert, update

from application import sign_in_codes
from application.commands import Change, CommandHandler, CommandResult, Context, Create
from application.errors import Forbidden
from application.idempotency import IdempotencyKey
from application.staff import StaffMember, hash_token, new_token
from domain.actor import Actor, Role
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.staff_account import StaffAccount
from projections.storage import tables

if TYPE_CHECKING:
    from application.ledger import GridLedger

# Who acts when no staff member does: the console (``gridledger staff add``).
CONSOLE = Actor(id="console", name="命令行 (gridledger)", role=Role.ADMIN)


class StaffPolicy:
    """Admins manage accounts; anyone may rotate their own token."""

    def check_role(self, staff: StaffMember, command: str) -> None:
        if staff.role != Role.ADMIN and command != "rotate-token":
            raise Forbidden(f"only an admin may '{command}' a staff account")

    def check_change(self, staff: StaffMember, command: str, account: StaffAccount) -> None:
        if staff.role != Role.ADMIN and str(account.id) != staff.id:
            raise Forbidden("only an admin may rotate another account's token")
        if command == "revoke" and str(account.id) == staff.id:
            raise TransitionNotAllowed(
                state=account.state,
                command=command,
                reason="an admin cannot revoke their own account",
                subject="account",
            )


class StaffAccounts:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.directory = ledger.directory
        self.handler = CommandHandler(ledger, self.load, StaffPolicy())

    def load(self, account_id: str) -> StaffAccount:
        return self.ledger.load_staff_account(account_id)

    # -- commands -------------------------------------------------------------------------------
    def add(
        self,
        *,
        name: str,
        role: Role,
        department: str | None = None,
        grid: str | None = None,
        by: StaffMember | None = None,
        idempotency: IdempotencyKey | None = None,
    ) -> tuple[StaffMember, str | None]:
        """A new account and its bearer token (shown once, stored hashed; None when this is a retry of an
        earlier request with the same idempotency key). ``by`` None: the console."""
        if by is not None:
            StaffPolicy().check_role(by, "add")
        self.directory.check_staff_scope(role, department, grid)
        token, issued = new_token(), []

        def make(context: Context) -> StaffAccount:
            account = StaffAccount.register(
                account_id=uuid4(),
                name=name,
                role=role,
                department=department,
                grid=grid,
                actor=context.actor if by else CONSOLE,
                timestamp=context.now,
            )
            _insert_account(context.session, account, hash_token(token))
            issued.append(token)
            return account

        result = self.handler.create(by or console_staff(), Create(make), idempotency=idempotency)
        return self.directory.get_staff(result.id), _last(issued)

    def change_role(
        self,
        staff: StaffMember,
        account_id: str,
        *,
        role: Role,
        department: str | None,
        grid: str | None,
        **options: Any,
    ) -> CommandResult:
        self.directory.check_staff_scope(role, department, grid)

        def act(account: StaffAccount, context: Context) -> None:
            account.change_role(role=role, department=department, grid=grid, actor=context.actor, timestamp=context.now)
            _update_account(context.session, account)
            _close_role(context.session, account, context.now)
            context.session.execute(insert(tables.staff_roles).values(_role_row(account, staff.id, context.now)))

        return self.handler.handle(staff, account_id, Change("roles", act), **options)

    def revoke(self, staff: StaffMember, account_id: str, *, reason: str, **options: Any) -> CommandResult:
        def act(account: StaffAccount, context: Context) -> None:
            account.revoke(reason=reason, actor=context.actor, timestamp=context.now)
            _update_account(context.session, account)
            _close_role(context.session, account, context.now)
            sign_in_codes.forget_unused(context.session, str(account.id))

        return self.handler.handle(staff, account_id, Change("revoke", act), **options)

    def rotate_token(self, staff: StaffMember, account_id: str, **options: Any) -> tuple[CommandResult, str | None]:
        """A new token for the account; the old one stops working in the same transaction. The token is None
        when this is a retry of an earlier request with the same idempotency key: it was shown then, once."""
        token, issued = new_token(), []

        def act(account: StaffAccount, context: Context) -> None:
            account.rotate_token(actor=context.actor, timestamp=context.now)
            _update_account(context.session, account, token_hash=hash_token(token))
            sign_in_codes.forget_unused(context.session, str(account.id))
            issued.append(token)

        result = self.handler.handle(staff, account_id, Change("rotate-token", act), **options)
        return result, _last(issued)

    def issue_sign_in_code(
        self, staff: StaffMember, account_id: str, *, minutes: int
    ) -> tuple[CommandResult, str, datetime]:
        """A one-time console sign-in code for the account, good for ``minutes``: (result, code, expiry).
        The account's history records that a link was made and until when; the code is never recorded."""
        if not 1 <= minutes <= sign_in_codes.MAX_MINUTES:
            raise InvalidCommand("minutes", f"must be between 1 and {sign_in_codes.MAX_MINUTES}")
        code, issued = sign_in_codes.new_code(), []

        def act(account: StaffAccount, context: Context) -> None:
            expires_at = context.now + timedelta(minutes=minutes)
            account.issue_sign_in_link(expires_at=expires_at, actor=context.actor, timestamp=context.now)
            sign_in_codes.keep(context.session, str(account.id), code, issued_at=context.now, expires_at=expires_at)
            issued.append(expires_at)

        result = self.handler.handle(staff, account_id, Change("sign-in-link", act))
        return result, code, issued[-1]

    def redeem_sign_in_code(self, code: str) -> StaffMember | None:
        """The account a one-time code signs in, the code used up by this call; None for a code that is
        unknown, used, expired, or whose account was revoked or its token rotated since."""
        with self.ledger.datastore.transaction(commit=True) as session:
            staff_id = sign_in_codes.redeem(session, code, self.ledger.clock())
        return None if staff_id is None else self.directory.get_staff(staff_id)

    def sign_in_code_usable(self, code: str) -> bool:
        with self.ledger.datastore.transaction(commit=False) as session:
            return sign_in_codes.usable(session, code, self.ledger.clock())


def _last(issued: list[str]) -> str | None:
    return issued[-1] if issued else None


def console_staff() -> StaffMember:
    return StaffMember(id=CONSOLE.id, name=CONSOLE.name, role=CONSOLE.role)


def _insert_account(session: Any, account: StaffAccount, token_hash: str) -> None:
    session.execute(
        insert(tables.staff).values(
            id=str(account.id),
            name=account.name,
            role=account.role.value,
            department=account.department,
            grid=account.grid,
            token_hash=token_hash,
            created_at=account.registered_at,
            in_store=True,
        )
    )
    session.execute(
        insert(tables.staff_roles).values(_role_row(account, account.registered_by["id"], account.registered_at))
    )


def _update_account(session: Any, account: StaffAccount, **more: Any) -> None:
    session.execute(
        update(tables.staff)
        .where(tables.staff.c.id == str(account.id))
        .values(
            role=account.role.value,
            department=account.department,
            grid=account.grid,
            revoked_at=account.revoked_at,
            **more,
        )
    )


def _close_role(session: Any, account: StaffAccount, now: datetime) -> None:
    roles = tables.staff_roles
    session.execute(
        update(roles).where(roles.c.staff_id == str(account.id), roles.c.valid_to.is_(None)).values(valid_to=now)
    )


def _role_row(account: StaffAccount, granted_by: str | None, now: datetime) -> dict[str, Any]:
    return {
        "staff_id": str(account.id),
        "role": account.role.value,
        "department": account.department,
        "grid": account.grid,
        "granted_by": granted_by,
        "valid_from": now,
    }
