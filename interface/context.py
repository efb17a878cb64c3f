"""The objects views share, kept in ``app.extensions`` (never import-time globals)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from application.case_commands import CaseCommands
from application.directory import Directory
from application.ledger import GridLedger


@dataclass(frozen=True)
class Services:
    ledger: GridLedger
    cases: CaseCommands

    @property
    def directory(self) -> Directory:
        return self.ledger.directory


def services() -> Services:
    return current_app.extensions["gridledger"]
