"""Household commands: register, members in and out, care tags, liaison and pairing, visits with needs."""

from __future__ import annotations

from typing import Any

from application.commands import Change, CommandHandler, CommandResult, Context, Create
from application.errors import InvalidReference, NotFound
from application.fieldwork_policy import HouseholdPolicy
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from application.linked_cases import check_linked_report, raise_case
from application.staff import StaffMember
from domain.case_types import Channel
from domain.household import Household
from domain.household_types import CareTag, HouseholdKind


class HouseholdCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.policy = ledger.fieldwork_policy
        self.handler = CommandHandler(ledger, ledger.load_household, HouseholdPolicy(ledger.fieldwork_policy))

    def register(
        self,
        staff: StaffMember,
        *,
        address: str,
        grid: str,
        kind: str,
        head: dict[str, Any],
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        if self.ledger.directory.grid_path(grid) is None:
            raise InvalidReference("grid", f"unknown grid '{grid}'")
        self.policy.check_write(staff, grid, "register a household")
        return self.handler.create(
            staff,
            Create(
                lambda c: Household.register(
                    address=address, grid=grid, kind=HouseholdKind(kind), head=head, actor=c.actor, timestamp=c.now
                )
            ),
            idempotency=idempotency,
        )

    def add_member(
        self,
        staff: StaffMember,
        household_id: str,
        *,
        name: str,
        relation: str,
        floating: bool,
        id_number: str | None = None,
        phone: str | None = None,
        origin: str | None = None,
        **options: Any,
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            household_id,
            Change(
                "add-member",
                lambda household, c: household.add_member(
                    actor=c.actor,
                    timestamp=c.now,
                    name=name,
                    relation=relation,
                    floating=floating,
                    id_number=id_number,
                    phone=phone,
                    origin=origin,
                ),
            ),
            **options,
        )

    def move_out(
        self, staff: StaffMember, household_id: str, member_id: str, *, reason: str | None = None, **options: Any
    ) -> CommandResult:
        def act(household: Household, c: Context) -> None:
            if member_id not in household.members:
                raise NotFound(f"household '{household_id}' has no member '{member_id}'")
            household.move_out(actor=c.actor, timestamp=c.now, member_id=member_id, reason=reason)

        return self.handler.handle(staff, household_id, Change("move-out", act), **options)

    def add_tag(self, staff: StaffMember, household_id: str, *, tag: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            household_id,
            Change("add-tag", lambda household, c: household.add_tag(actor=c.actor, timestamp=c.now, tag=CareTag(tag))),
            **options,
        )

    def remove_tag(self, staff: StaffMember, household_id: str, tag: str, **options: Any) -> CommandResult:
        def act(household: Household, c: Context) -> None:
            if tag not in household.tags:
                raise NotFound(f"household '{household_id}' is not tagged '{tag}'")
            household.remove_tag(actor=c.actor, timestamp=c.now, tag=CareTag(tag))

        return self.handler.handle(staff, household_id, Change("remove-tag", act), **options)

    def assign_liaison(self, staff: StaffMember, household_id: str, *, staff_id: str, **options: Any) -> CommandResult:
        person = self.ledger.directory.staff_record(staff_id, field="staff_id")
        return self.handler.handle(
            staff,
            household_id,
            Change(
                "liaison", lambda household, c: household.assign_liaison(actor=c.actor, timestamp=c.now, staff=person)
            ),
            **options,
        )

    def assign_pairing(self, staff: StaffMember, household_id: str, *, staff_id: str, **options: Any) -> CommandResult:
        person = self.ledger.directory.staff_record(staff_id, field="staff_id")
        return self.handler.handle(
            staff,
            household_id,
            Change(
                "pairing", lambda household, c: household.assign_pairing(actor=c.actor, timestamp=c.now, staff=person)
            ),
            **options,
        )

    def visit(
        self,
        staff: StaffMember,
        household_id: str,
        *,
        notes: str,
        needs: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> CommandResult:
        """走访; each need found becomes a case linked to the household, saved with the visit."""

        def act(household: Household, c: Context) -> None:
            reports = [self._need_report(household, need) for need in needs or []]
            for number, report in enumerate(reports):
                check_linked_report(self.ledger, staff, report, f"needs.{number}")
            cases = [raise_case(self.ledger, c.session, staff, report, c.now) for report in reports]
            household.record_visit(
                actor=c.actor, timestamp=c.now, notes=notes, case_ids=[str(case.id) for case in cases]
            )
            c.save_with(*cases)

        # The visit is the household's last one in the state it leaves (a replay included).
        return self.handler.handle(
            staff,
            household_id,
            Change("visit", act, linked=lambda household: household.visits[-1]["case_ids"]),
            **options,
        )

    @staticmethod
    def _need_report(household: Household, need: dict[str, Any]) -> dict[str, Any]:
        return {
            "channel": str(Channel.VISIT),
            "grid": household.grid,
            "location": {"address": household.address},
            **need,
            "household_id": str(household.id),
        }
