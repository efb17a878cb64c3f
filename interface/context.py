"""The objects views share, kept in ``app.extensions`` (never import-time globals)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from application.case_commands import CaseCommands
from application.directory import Directory
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from application.patrol_commands import PatrolCommands
from application.personal_data_commands import PersonalDataCommands
from projections.registry import Projections


@dataclass(frozen=True)
class Services:
    ledger: GridLedger
    cases: CaseCommands
    meetings: MeetingCommands
    projections: Projections
    households: HouseholdCommands
    patrols: PatrolCommands
    people: PersonalDataCommands
    min_position_wait: float = 3.0

    @property
    def directory(self) -> Directory:
        return self.ledger.directory


def services() -> Services:
    return current_app.extensions["gridledger"]
