"""The chain's head as handed out (``GET /audit/head``, the footer of every handover list): an anchor an auditor
can later check the store against with ``gridledger verify --anchor POSITION:HASH``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from application.event_chain import Link
from application.ledger import GridLedger


@dataclass(frozen=True)
class Anchor:
    head: Link
    at: datetime  # when the head was read

    @classmethod
    def read(cls, ledger: GridLedger) -> Anchor:
        return cls(ledger.chain_head(), ledger.clock())

    def as_json(self, zone: tzinfo) -> dict[str, Any]:
        at = self.at.astimezone(zone).isoformat()
        return {"position": self.head.position, "hash": self.head.hash.hex(), "at": at}
