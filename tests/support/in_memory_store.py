"""Events as the read models see them, without a database: aggregates saved in the library's in-memory
event store (transcoded as GridLedger transcodes them) and decoded by the projections' own decoder."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application

from application.ledger import GridLedger
from projections.engine.events import ProjectedEvent, decode


class InMemoryStore(Application):
    """The library's in-memory (POPO) recorder; stored state is the very JSON GridLedger would store."""

    register_transcodings = GridLedger.register_transcodings

    def __init__(self) -> None:
        super().__init__(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self._read_up_to = 0

    def save_and_read(self, *aggregates: Any) -> list[ProjectedEvent]:
        """Save ``aggregates`` and return every event stored since the last call, decoded as the
        projection engine decodes a batch (``projections.engine.events.decode``), in notification order."""
        self.save(*aggregates)
        notifications = self.recorder.select_notifications(start=self._read_up_to + 1, limit=10_000)
        if notifications:
            self._read_up_to = notifications[-1].id
        return [
            decode(self.mapper, (n.id, n.originator_id, n.originator_version, n.topic, n.state)) for n in notifications
        ]
