"""Twin requests under one Idempotency-Key (a double click on a console form, a client retrying at once): when the
twin is saved after this request looked for the key but before it loaded the case, this request answers the twin's
result -- not "the case changed, reload" -- and writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from application.case_commands import CaseCommands
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from tests.console.test_case_page import report
from tests.support.territory import Territory
from tests.support.waiting import HANG_GUARD


def twin_saved_first(cases: CaseCommands, twin: Callable[[], Any]) -> None:
    """The next load of a case by the command path waits for ``twin`` to run to its commit on another thread (its own
    connection and transaction): the twin lands between this request's look-up of its key and its load of the case."""
    load, ran = cases.handler.load, []

    def load_after_twin(case_id: str) -> Any:
        if not ran:
            ran.append(True)
            thread = threading.Thread(target=twin)
            thread.start()
            thread.join(HANG_GUARD)
        return load(case_id)

    cases.handler.load = load_after_twin


# PostgreSQL only: on SQLite a writing transaction holds the datastore's write lock (one per process) from its start,
# so a twin waits for this request to end and then finds the key; the moment in between cannot be made there.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_twin_saved_in_between_is_answered_with_the_twins_result(
    ledger: GridLedger, territory: Territory, cases: CaseCommands
) -> None:
    case_id, dispatcher = report(cases, territory), territory.staff["dispatcher"]
    version = ledger.load_case(case_id).version
    key = IdempotencyKey.for_request("console:double-click", "accept", case_id, {"note": "属实"})
    twin = CaseCommands(ledger)  # its own command path: not the one whose loads are held up
    results: list[Any] = []
    twin_saved_first(
        cases,
        lambda: results.append(
            twin.accept(dispatcher, case_id, note="属实", expected_version=version, idempotency=key)
        ),
    )

    answer = cases.accept(dispatcher, case_id, note="属实", expected_version=version, idempotency=key)

    assert results and answer == results[0]  # the twin's result, replayed
    assert ledger.load_case(case_id).version == version + 1  # accepted once
