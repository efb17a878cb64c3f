"""Residents' personal data: erase a person (``POST /people/erase``, admin) and the disclosures of it
(``GET /audit/disclosures``, auditors and admins: every time it was shown whole, to whom and why)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.presenters import case_rows as present
from interface.schemas import people as schemas
from interface.views.paging import page_of, page_response
from interface.views.read_models import audit_entries
from projections.registry import AUDIT_LOG

blueprint = Blueprint("people", __name__)


@blueprint.post("/people/erase")
@endpoint(body=schemas.EraseSchema, command="erase-person", response=schemas.ErasureSchema)
def erase(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Erase a person (删除权, admin): their keys are destroyed and their lookups recorded as erased, so every
    name, phone and ID number of theirs in events -- sealed under a key, or stored in clear before per-person keys
    existed (``older_records: "redacted"``) -- reads "[已删除]" from now on; the events, figures and the hash chain
    stay as they were. A person known only from older records is erased too (``keys_destroyed`` 0)."""
    person = {key: str(body[key]) for key in ("id_number", "phone", "household_id", "member_id") if key in body}
    result = services().people.erase(current_staff(), reason=body["reason"], **person, **options)
    erasure = services().ledger.state_after(result)
    return jsonify(
        {
            "id": result.id,
            "identified_by": erasure.identified_by,
            "keys_destroyed": len(erasure.key_ids),
            "older_records": "redacted",
            "households_blanked": len(erasure.household_ids),
            "position": result.position,
        }
    )


@blueprint.get("/audit/disclosures")
@endpoint(query=schemas.DisclosureQuerySchema, response=schemas.DisclosurePageSchema)
def disclosures(query: dict[str, Any]) -> Response:
    """Every time a person's data was shown whole (an admin's read of a case or household, reveal-contact): who,
    when, whose (person key ids, never the data), where and why; oldest first (auditors and admins)."""
    ledger = services().ledger
    ledger.read_policy.check_operates(current_staff())
    page = page_of(query, AUDIT_LOG)
    filters = {key: query.get(key) for key in ("actor", "start", "end")}
    of_disclosures = {"aggregate_type": "Disclosure", "aggregate_id": None, "event_type": None}
    rows, total = audit_entries({**filters, **of_disclosures}, page)
    return page_response([_disclosure(row, ledger.local_zone) for row in rows], total, page)


def _disclosure(row: dict[str, Any], zone: Any) -> dict[str, Any]:
    entry = present.audit_row(row, zone)
    data = entry["data"]
    return {
        "position": entry["position"],
        "at": entry["at"],
        "actor": entry["actor"],
        **{key: data[key] for key in ("people", "subject", "subject_id", "fields", "purpose")},
    }
