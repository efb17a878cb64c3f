"""Who sees what in the read models: the scopes the application hands to the case list and the queues."""

from __future__ import annotations

import pytest

from application.errors import Forbidden
from application.ledger import GridLedger
from domain.read_scope import ReadScope
from tests.support.territory import Territory


def test_each_role_reads_the_cases_of_its_own_scope(ledger: GridLedger, territory: Territory) -> None:
    staff, scope_of = territory.staff, ledger.case_policy.read_scope
    assert scope_of(staff["auditor"]) == scope_of(staff["secretary"]) == ReadScope(everything=True)
    assert scope_of(staff["chengguan"]) == ReadScope(department=territory.department("chengguan"))
    assert scope_of(staff["intake"]) == ReadScope(reported_by=staff["intake"].id)
    worker_grid = ledger.directory.grid_path(territory.grid("chayuan-01"))
    assert scope_of(staff["worker"]) == ReadScope(grid_path=worker_grid)


def test_department_staff_read_their_own_departments_queue_and_no_other(
    ledger: GridLedger, territory: Territory
) -> None:
    policy, chengguan = ledger.read_policy, territory.staff["chengguan"]
    own = territory.department("chengguan")
    assert policy.queue_scope(chengguan, "department", None) == (own, ReadScope(everything=True))
    with pytest.raises(Forbidden):
        policy.queue_scope(chengguan, "department", territory.department("zhujian"))
    # The meeting queue is read by those who read meetings: not by a grid worker.
    with pytest.raises(Forbidden):
        policy.queue_scope(territory.staff["worker"], "meeting", None)
    assert policy.queue_scope(territory.staff["leader"], "meeting", None)[1] == ledger.case_policy.read_scope(
        territory.staff["leader"]
    )


def test_the_audit_log_staff_records_and_reference_data(ledger: GridLedger, territory: Territory) -> None:
    policy, staff = ledger.read_policy, territory.staff
    policy.check_operates(staff["auditor"])
    with pytest.raises(Forbidden):
        policy.check_operates(staff["dispatcher"])
    policy.check_reads_staff(staff["worker"], staff["worker"])  # one's own record
    with pytest.raises(Forbidden):
        policy.check_reads_staff(staff["worker"], staff["dispatcher"])
    policy.check_administers(staff["admin"])
    with pytest.raises(Forbidden):
        policy.check_administers(staff["auditor"])
