"""Household commands: register, members in and out, care tags, liaison and pairing, visits with needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from application.errors import InvalidReference, NotFound, VersionMismatch
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger, Outcome
from application.linked_cases import check_linked_report, raise_case
from application.staff import StaffMember
from domain.case_types import Channel
from domain.household import Household
from domain.household_types import CareTag, HouseholdKind

Act = Callable[[Household, Any, datetime], list[Any] | None]


class HouseholdCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.policy = ledger.fieldwork_policy

    def register(self, staff: StaffMember, *, address: str, grid: str, kind: str, head: dict[str, Any],
                 idempotency: IdempotencyKey | None = None) -> Outcome:
        if self.ledger.directory.grid_path(grid) is None:
            raise InvalidReference("grid", f"unknown grid '{grid}'")
        self.policy.check_write(staff, grid, "register a household")

        def run(session: Any, now: datetime) -> list[Household]:
            return [Household.register(address=address, grid=grid, kind=HouseholdKind(kind), head=head,
                                       actor=staff.actor, timestamp=now)]

        return self.ledger.execute(staff, idempotency, run)

    def add_member(self, staff: StaffMember, household_id: str, *, name: str, relation: str, floating: bool,
                   id_number: str | None = None, phone: str | None = None, origin: str | None = None,
                   **options: Any) -> Outcome:
        def act(household: Household, session: Any, now: datetime) -> None:
            household.add_member(actor=staff.actor, timestamp=now, name=name, relation=relation,
                                 floating=floating, id_number=id_number, phone=phone, origin=origin)

        return self._command(staff, household_id, act, **options)

    def move_out(self, staff: StaffMember, household_id: str, member_id: str, *, reason: str | None = None,
                 **options: Any) -> Outcome:
        def act(household: Household, session: Any, now: datetime) -> None:
            if member_id not in household.members:
                raise NotFound(f"household '{household_id}' has no member '{member_id}'")
            household.move_out(actor=staff.actor, timestamp=now, member_id=member_id, reason=reason)

        return self._command(staff, household_id, act, **options)

    def add_tag(self, staff: StaffMember, household_id: str, *, tag: str, **options: Any) -> Outcome:
        return self._command(staff, household_id, lambda household, session, now: household.add_tag(
            actor=staff.actor, timestamp=now, tag=CareTag(tag)), **options)

    def remove_tag(self, staff: StaffMember, household_id: str, tag: str, **options: Any) -> Outcome:
        def act(household: Household, session: Any, now: datetime) -> None:
            if tag not in household.tags:
                raise NotFound(f"household '{household_id}' is not tagged '{tag}'")
            household.remove_tag(actor=staff.actor, timestamp=now, tag=CareTag(tag))

        return self._command(staff, household_id, act, **options)

    def assign_liaison(self, staff: StaffMember, household_id: str, *, staff_id: str, **options: Any) -> Outcome:
        person = self._staff_record(staff_id)
        return self._command(staff, household_id, lambda household, session, now: household.assign_liaison(
            actor=staff.actor, timestamp=now, staff=person), **options)

    def assign_pairing(self, staff: StaffMember, household_id: str, *, staff_id: str, **options: Any) -> Outcome:
        person = self._staff_record(staff_id)
        return self._command(staff, household_id, lambda household, session, now: household.assign_pairing(
            actor=staff.actor, timestamp=now, staff=person), **options)

    def visit(self, staff: StaffMember, household_id: str, *, notes: str,
              needs: list[dict[str, Any]] | None = None, **options: Any) -> Outcome:
        """走访; each need found becomes a case linked to the household, saved with the visit."""
        def act(household: Household, session: Any, now: datetime) -> list[Any]:
            reports = [self._need_report(household, need) for need in needs or []]
            for number, report in enumerate(reports):
                check_linked_report(self.ledger, staff, report, f"needs.{number}")
            cases = [raise_case(self.ledger, session, staff, report, now) for report in reports]
            household.record_visit(actor=staff.actor, timestamp=now, notes=notes,
                                   case_ids=[str(case.id) for case in cases])
            return cases

        return self._command(staff, household_id, act, **options)

    @staticmethod
    def _need_report(household: Household, need: dict[str, Any]) -> dict[str, Any]:
        return {"channel": str(Channel.VISIT), "grid": household.grid,
                "location": {"address": household.address}, **need, "household_id": str(household.id)}

    def _staff_record(self, staff_id: str) -> dict[str, Any]:
        try:
            person = self.ledger.directory.get_staff(staff_id)
        except NotFound:
            raise InvalidReference("staff_id", f"unknown staff member '{staff_id}'") from None
        return {"id": person.id, "name": person.name, "role": person.role.value}

    def _command(self, staff: StaffMember, household_id: str, act: Act, *, expected_version: int | None = None,
                 idempotency: IdempotencyKey | None = None) -> Outcome:
        def run(session: Any, now: datetime) -> list[Any]:
            household = self.ledger.load_household(household_id)
            if expected_version is not None and expected_version != household.version:
                raise VersionMismatch(expected=expected_version, actual=household.version)
            self.policy.check_write(staff, household.grid, "change a household")
            return [household, *(act(household, session, now) or [])]

        return self.ledger.execute(staff, idempotency, run)
