"""The library's mapper with per-person sealing: personal fields are sealed (application/personal_fields.py) before
an event is transcoded, compressed and encrypted, and opened after it is read back. Without per-person keys
(no GRIDLEDGER_CIPHER_KEY) it is the library's mapper as it was."""

from __future__ import annotations

import re
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from application.personal_fields import PersonalFields

PERSON = re.compile(rb'"person":"([0-9a-f]{32})"')  # a sealed person's key id in stored JSON


class PersonalDataMapper(Mapper):
    personal: PersonalFields | None = None  # set once the application has its datastore

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if self.personal is not None:
            state = vars(domain_event)
            sealed = self.personal.seal_event(state, state.get("originator_id"))
            if sealed is not None:
                copy = object.__new__(type(domain_event))
                object.__setattr__(copy, "__dict__", sealed)
                domain_event = copy
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        domain_event = super().to_domain_event(stored_event)
        self.open_attributes(vars(domain_event), stored_event.originator_id)
        return domain_event

    def prefetch_people(self, stored_events: list[StoredEvent]) -> None:
        """Fetch the keys of every person in ``stored_events`` in one query, before they are opened one by one."""
        if self.personal is None:
            return
        key_ids: set[str] = set()
        for stored in stored_events:
            state = stored.state
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            key_ids.update(match.decode() for match in PERSON.findall(state))
        self.personal.keys.prefetch(key_ids)

    def open_attributes(self, attributes: dict[str, Any], originator_id: Any) -> dict[str, Any]:
        """Open the sealed people of decoded attributes in place (the projections decode without the mapper)."""
        if self.personal is not None:
            self.personal.open_event(attributes, originator_id)
        return attributes
