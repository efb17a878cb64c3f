"""Where personal fields sit in events and snapshots, and sealing them into (and opening them from) per-person
tokens: ``{"enc": <AES-GCM of the fields>, "person": <key id>, "held": [the fields given]}`` in place of the
person's name, ID number and phone (the record's other fields -- relation, origin... -- stay as they were).

Sealed: a case's reporter (``report.reporter``; a snapshot's ``details.reporter``), a household's head and its
members (``head``, ``member``; a snapshot's ``members``). A record stored before per-person keys existed holds
clear values: it opens as it is, unless one of its lookups was erased (``gridledger_erased_lookups``): then each
field given reads ``[已删除]``, as under a destroyed key. Opening gives the record back with ``person`` (its key
id) beside the fields; a destroyed key gives ``[已删除]`` for each field that was given.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from application.person_keys import PersonKeys
from domain.personal_data import ERASED, parse_phone

Record = dict[str, Any]
FIELDS = ("name", "id_number", "phone")


def phone_lookup_value(phone: str) -> str:
    parsed = parse_phone(phone)
    return parsed.digits if parsed else phone.replace(" ", "").replace("-", "")


class PersonalFields:
    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    # -- where they are ----------------------------------------------------------------------------
    def seal_event(self, state: Record, originator_id: Any) -> Record | None:
        """A copy of an event's (or snapshot's) attributes with each person sealed; None when it has none."""
        return self._visit(state, originator_id, self._seal)

    def open_event(self, state: Record, originator_id: Any) -> None:
        """Open each sealed person of the attributes, in place (the keys of all of them fetched together)."""
        sealed: list[str] = []

        def note(person: Record, *_: Any) -> Record:
            if person.get("enc"):
                sealed.append(person["person"])
            return person

        self._visit(state, originator_id, note)
        if len(sealed) > 1:
            self.keys.prefetch(sealed)
        changed = self._visit(state, originator_id, self._open)
        if changed is not None:
            state.update(changed)

    def _visit(self, state: Record, originator_id: Any, change: Any) -> Record | None:
        owner = str(originator_id)
        if isinstance(report := state.get("report"), dict) and report.get("reporter"):
            return {**state, "report": {**report, "reporter": change(report["reporter"], owner, None)}}
        if isinstance(state.get("head"), dict) and "head_member_id" in state:
            return {**state, "head": change(state["head"], owner, state["head_member_id"])}
        if isinstance(state.get("member"), dict) and "member_id" in state:
            return {**state, "member": change(state["member"], owner, state["member_id"])}
        inner = state.get("state")
        if isinstance(inner, dict) and str(state.get("topic", "")).startswith(("domain.household:", "domain.case:")):
            opened = self._visit_snapshot(inner, owner, change)
            return {**state, "state": opened} if opened is not None else None
        return None

    def _visit_snapshot(self, inner: Record, owner: str, change: Any) -> Record | None:
        if isinstance(members := inner.get("members"), dict):
            return {**inner, "members": {mid: change(m, owner, mid) for mid, m in members.items()}}
        if isinstance(details := inner.get("details"), dict) and details.get("reporter"):
            return {**inner, "details": {**details, "reporter": change(details["reporter"], owner, None)}}
        return None

    # -- one person ----------------------------------------------------------------------------------
    def _seal(self, person: Record, owner: str, member_id: str | None) -> Record:
        if "enc" in person:
            return person
        rest = {key: value for key, value in person.items() if key not in FIELDS and key != "person"}
        held = [field for field in FIELDS if person.get(field) is not None]
        key_id = person.get("person")
        if person.get("name") == ERASED or (key_id and (cipher := self.keys.cipher(key_id)) is None):
            return {**rest, "enc": None, "person": key_id, "held": held}
        if not key_id:
            key_id, cipher = self.keys.key_for(self.lookups(person, owner, member_id))
        nonce = os.urandom(12)
        plain = json.dumps({field: person.get(field) for field in FIELDS}, ensure_ascii=False).encode()
        sealed = base64.b64encode(nonce + cipher.encrypt(nonce, plain, key_id.encode())).decode()
        return {**rest, "enc": sealed, "person": key_id, "held": held}

    def _open(self, person: Record, owner: str, member_id: str | None) -> Record:
        if "enc" not in person:
            return self._open_clear(person, owner, member_id)
        rest = {key: value for key, value in person.items() if key not in ("enc", "held")}
        key_id, sealed = person["person"], person["enc"]
        cipher = self.keys.cipher(key_id) if sealed else None
        if cipher is None:
            held = person.get("held") or []
            return {**rest, **{field: ERASED if field in held else None for field in FIELDS}}
        raw = base64.b64decode(sealed)
        fields = json.loads(cipher.decrypt(raw[:12], raw[12:], key_id.encode()))
        return {**rest, **fields}

    def _open_clear(self, person: Record, owner: str, member_id: str | None) -> Record:
        """A record stored before per-person keys: its clear values, or "[已删除]" for each field given when one
        of its lookups was erased (the lookups are only computed once someone was erased)."""
        erased = self.keys.erased
        if not erased or not any(person.get(field) for field in FIELDS):
            return person
        if erased.isdisjoint(self.lookups(person, owner, member_id)):
            return person
        return {**person, **{field: ERASED for field in FIELDS if person.get(field) is not None}}

    def lookups(self, person: Record, owner: str, member_id: str | None) -> list[str]:
        """What the person's key is found by: ID number, then phone, then the household member (a reporter with
        neither: the case)."""
        found = []
        if person.get("id_number"):
            found.append(self.keys.lookup("id_number", person["id_number"]))
        if person.get("phone"):
            found.append(self.keys.lookup("phone", phone_lookup_value(person["phone"])))
        if member_id:  # erasable by household and member whatever else is known
            found.append(self.keys.lookup("member", f"{owner}:{member_id}"))
        elif not found:  # a reporter known by name only: under the case (nothing erases by it yet)
            found.append(self.keys.lookup("case", owner))
        return found
