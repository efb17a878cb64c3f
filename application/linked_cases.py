"""Cases raised from a household visit or a patrol finding, saved in the same transaction as their source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.errors import InvalidReference
from application.ledger import GridLedger
from application.staff import StaffMember
from domain.case import Case, report_case


def check_linked_report(ledger: GridLedger, staff: StaffMember, report: dict[str, Any], field: str) -> None:
    """Before anything is saved: the grid exists and the staff member may report a case there."""
    if ledger.directory.grid_path(report["grid"]) is None:
        raise InvalidReference(f"{field}.grid", f"unknown grid '{report['grid']}'")
    ledger.case_policy.check_report(staff, report["grid"])


def raise_case(ledger: GridLedger, session: Any, staff: StaffMember, report: dict[str, Any], now: datetime) -> Case:
    """A new case numbered in ``session``; the caller saves it with the aggregate it came from."""
    return report_case(
        case_no=ledger.next_case_no(session, now),
        report=report,
        actor=staff.actor.as_record(),
        timestamp=now,
        policy=ledger.clock_rules.policy(),
    )
