"""Households and patrols as JSON, from the aggregates themselves (command answers, reads by id, history).

ID numbers and phones are masked for everyone but an admin (PIPL); the events carry them whole, so the
history is masked too. The list endpoints present read-model rows instead (``fieldwork_rows``).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from application.case_history import HistoryEntry
from application.ledger import GridLedger
from domain.household import Household
from domain.household_types import EVENT_LABELS as HOUSEHOLD_EVENT_LABELS
from domain.household_types import TAG_LABELS, CareTag
from domain.patrol import Patrol
from domain.patrol_types import EVENT_LABELS as PATROL_EVENT_LABELS
from domain.personal_data import mask_id_number, mask_phone, masked
from interface.labels import HOUSEHOLD, PATROL, labelled
from interface.presenters.history import history_answer
from interface.presenters.times import local_iso


def household_state(household: Household, *, position: int, zone: tzinfo, reveal: bool) -> dict[str, Any]:
    """``reveal``: the viewer may see ID numbers and phones whole (admins only)."""
    return labelled(
        {
            "id": str(household.id),
            "address": household.address,
            "grid": household.grid,
            "kind": str(household.kind),
            "head": _member(household.head, zone, reveal),
            "members": [_member(member, zone, reveal) for member in household.members.values()],
            "residents": len(household.residents),
            "floating": household.floating_count,
            "tags": [{"tag": tag, "label": TAG_LABELS[CareTag(tag)]} for tag in household.tags],
            "liaison": _since(household.liaison, zone),
            "pairing": _since(household.pairing, zone),
            "visits": [
                {**visit, "at": local_iso(visit["at"], zone), "case_ids": list(visit["case_ids"])}
                for visit in household.visits
            ],
            "registered_by": household.registered_by,
            "version": household.version,
            "position": position,
            "created_at": local_iso(household.created_on, zone),
            "updated_at": local_iso(household.modified_on, zone),
        },
        HOUSEHOLD,
    )


def patrol_state(patrol: Patrol, *, position: int, zone: tzinfo, reveal: bool) -> dict[str, Any]:
    state = {
        "id": str(patrol.id),
        "grid": patrol.grid,
        "kind": str(patrol.kind),
        "status": patrol.status,
        "members": list(patrol.members),
        "started_by": patrol.started_by,
        "started_at": local_iso(patrol.started_at, zone),
        "checkpoints": [{**checkpoint, "at": local_iso(checkpoint["at"], zone)} for checkpoint in patrol.checkpoints],
        "findings": [_finding(finding, zone) for finding in patrol.findings],
        "ended_at": local_iso(patrol.ended_at, zone),
        "summary": patrol.summary,
        "version": patrol.version,
        "position": position,
        "created_at": local_iso(patrol.created_on, zone),
        "updated_at": local_iso(patrol.modified_on, zone),
    }
    return labelled(state if reveal else masked(state), PATROL)


def history(
    aggregate: Household | Patrol, entries: list[HistoryEntry], *, zone: tzinfo, reveal: bool
) -> dict[str, Any]:
    """Every event of a household or patrol in order, with Chinese labels."""
    labels = HOUSEHOLD_EVENT_LABELS if isinstance(aggregate, Household) else PATROL_EVENT_LABELS
    vocabulary = HOUSEHOLD if isinstance(aggregate, Household) else PATROL
    return history_answer(
        str(aggregate.id),
        entries,
        labels=labels,
        vocabulary=vocabulary,
        zone=zone,
        shown=dict if reveal else masked,
    )


def raised_cases(ledger: GridLedger, case_ids: list[str]) -> list[dict[str, Any]]:
    """The cases a visit or a finding raised, by id and case number."""
    return [{"id": case_id, "case_no": ledger.load_case(case_id).case_no} for case_id in case_ids]


def _member(member: dict[str, Any], zone: tzinfo, reveal: bool) -> dict[str, Any]:
    id_number, phone = member.get("id_number"), member.get("phone")
    return {
        "member_id": member["member_id"],
        "name": member["name"],
        "relation": member["relation"],
        "floating": member["floating"],
        "origin": member.get("origin"),
        "added_at": local_iso(member["added_at"], zone),
        "moved_out_at": local_iso(member["moved_out_at"], zone),
        "id_number": id_number if reveal or not id_number else mask_id_number(id_number),
        "phone": phone if reveal or not phone else mask_phone(phone),
    }


def _since(record: dict[str, Any] | None, zone: tzinfo) -> dict[str, Any] | None:
    return None if record is None else {**record, "since": local_iso(record["since"], zone)}


def _finding(finding: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return {**finding, "at": local_iso(finding["at"], zone)}
