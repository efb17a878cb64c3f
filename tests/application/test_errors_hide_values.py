"""A database error's message (which gets logged) never carries a statement's values: they can be a resident's name
or phone number."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from sqlalchemy import insert

from application.ledger import GridLedger
from projections.registry import Projections
from projections.storage import tables

PHONE = "13812345678"


def test_a_failed_statement_names_no_value(ledger: GridLedger) -> None:
    row = {"code": f"dept-{uuid.uuid4().hex[:8]}", "name": PHONE, "created_at": ledger.clock()}
    ledger.directory.add_department(code=row["code"], name="城管")
    with pytest.raises(IntegrityError) as failed:  # the library's, wrapping SQLAlchemy's
        with ledger.datastore.transaction(commit=True) as session:
            session.execute(insert(tables.departments).values(**row))
    assert PHONE not in str(failed.value) and "hidden" in str(failed.value)

    projections = Projections(ledger)
    try:
        with pytest.raises(sqlalchemy.exc.IntegrityError) as failed_read_side:
            with projections.db.begin() as connection:
                connection.execute(insert(tables.departments).values(**row))
        assert PHONE not in str(failed_read_side.value)
    finally:
        projections.close()
