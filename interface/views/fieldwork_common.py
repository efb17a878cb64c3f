"""What the household and patrol views share: whether the caller sees personal data whole, the state a
command left, and the grid subtree a list covers."""

from __future__ import annotations

from typing import Any

from application.commands import CommandResult
from interface.auth import current_staff
from interface.context import services
from interface.views.paging import subtree


def after(result: CommandResult) -> tuple[Any, int]:
    """The state a command left and its position, for the command's answer."""
    return services().ledger.state_after(result), result.position


def reveal() -> bool:
    """Only admins see ID numbers and phones whole."""
    return services().ledger.fieldwork_policy.sees_personal_data(current_staff())


def root_path(grid: str | None) -> str | None:
    """The subtree to list: the asked-for grid (403 outside the caller's scope) or the caller's scope.

    Department staff, channels and meeting secretaries do not see field work (403); an unknown grid is a 422.
    """
    staff, ledger = current_staff(), services().ledger
    scope = ledger.fieldwork_policy.read_scope(staff)  # 403 for roles that do not see field work
    code = grid if grid is not None else scope
    if code is None:
        return None
    path = subtree(code)
    if grid is not None:
        ledger.fieldwork_policy.check_read(staff, grid)
    return path
