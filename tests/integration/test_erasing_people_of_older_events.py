"""Erasing residents known only from events stored before per-person keys existed (issue 16), on the committed
1e8a587 store (encrypted with the application key, residents in clear inside): after ``db upgrade``, a reporter
erased by phone and a household head erased by ID number read "[已删除]" in their case, household, histories,
audit pages, the households list and a rebuild of it -- in this process and a fresh one -- while everyone else
reads as recorded, the stored bytes do not change and the hash chain still verifies; the same erasure again is 404.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from projections.households import households
from projections.registry import Projections, rebuild
from tests.integration.test_stored_events_keep_loading import (
    FIXTURE,
    STORES,
    copy_into_postgresql,
    upgrade_as_serve_does,
)
from tests.support.recorded_store import FixedClock

ERASED = "[已删除]"
REPORTER = {"phone": "13812345678", "name": "刘女士", "case": "349d351b"}  # a case's reporter, by phone
HEAD = {"id_number": "361130197004032519", "name": "程立新", "household": "fa6b1cbf-a328-4f66-b22d-f3a91705c8cf"}
OTHERS = {"汪德福", "汪先生", "乔春梅", "陈师傅"}  # a head, a reporter, a head, a member of HEAD's household


class Opened:
    def __init__(self, settings: Settings, now: datetime) -> None:
        self.settings = settings
        self.ledger = GridLedger(settings, clock=FixedClock(now))
        self.projections = Projections(self.ledger)
        self.app = create_app(
            {"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False},
            ledger=self.ledger,
            projections=self.projections,
        )
        self.client: FlaskClient = self.app.test_client()

    def close(self) -> None:
        self.projections.close()
        self.ledger.datastore.engine.dispose()


@pytest.fixture
def store(own_database_url: str) -> Iterator[tuple[Settings, dict[str, Any]]]:
    recorded = STORES["encrypted"]
    meta = json.loads((recorded / "meta.json").read_text(encoding="utf-8"))
    if own_database_url.startswith("sqlite"):
        shutil.copyfile(recorded / "gridledger.db", make_url(own_database_url).database)
    else:
        copy_into_postgresql(recorded / "gridledger.db", FIXTURE / "schema-postgresql.sql", own_database_url)
    environment = {"GRIDLEDGER_DATABASE_URL": own_database_url, "GRIDLEDGER_CIPHER_KEY": meta["cipher_key"]}
    upgrade_as_serve_does(environment)
    return Settings.from_env(environment), meta


def _stored(ledger: GridLedger) -> list[tuple[int, bytes]]:
    table = ledger.recorder.events_record_cls.__table__
    with ledger.datastore.transaction(commit=False) as session:
        return [(row[0], bytes(row[1])) for row in session.execute(select(table.c.id, table.c.state).order_by("id"))]


def _get(opened: Opened, token: str, url: str) -> str:
    response = opened.client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, (url, response.get_json())
    return response.get_data(as_text=True)


def _case_id() -> str:
    cases = json.loads((STORES["encrypted"] / "aggregates.json").read_text(encoding="utf-8"))["cases"]
    return next(case_id for case_id in cases if case_id.startswith(REPORTER["case"]))


def _reads(opened: Opened, token: str) -> dict[str, str]:
    """What an admin is shown of the two people (answers as text, JSON-escaped as sent)."""
    case_id, home = _case_id(), HEAD["household"]
    return {
        "case": _get(opened, token, f"/api/v1/cases/{case_id}"),
        "case history": _get(opened, token, f"/api/v1/cases/{case_id}/history"),
        "case audit": _get(opened, token, f"/api/v1/audit?aggregate_id={case_id}&per_page=100"),
        "household": _get(opened, token, f"/api/v1/households/{home}"),
        "household history": _get(opened, token, f"/api/v1/households/{home}/history"),
        "household audit": _get(opened, token, f"/api/v1/audit?aggregate_id={home}&per_page=100"),
    }


def _text(answer: str) -> str:
    return json.dumps(json.loads(answer), ensure_ascii=False)


def _head_rows(opened: Opened) -> dict[str, tuple[str, str | None]]:
    with opened.projections.db.connect() as connection:
        rows = connection.execute(select(households.c.id, households.c.head_name, households.c.head_phone))
        return {row.id: (row.head_name, row.head_phone) for row in rows}


def _assert_erased(opened: Opened, token: str) -> None:
    for what, answer in _reads(opened, token).items():
        text = _text(answer)
        for secret in (REPORTER["name"], REPORTER["phone"], HEAD["name"], HEAD["id_number"]):
            assert secret not in text, (what, secret)
        assert ERASED in text, what
    every = " ".join(_text(answer) for answer in _reads(opened, token).values())
    assert "陈师傅" in every  # a member of the erased head's household stays
    rows = _head_rows(opened)
    assert rows[HEAD["household"]] == (ERASED, ERASED)
    assert rows["e9af0ac9-c5ae-4aeb-8868-a257a110e8d5"][0] == "汪德福"
    listed = json.loads(_get(opened, token, "/api/v1/households?per_page=100"))["items"]
    heads = {row["id"]: json.dumps(row, ensure_ascii=False) for row in listed}
    assert HEAD["name"] not in heads[HEAD["household"]] and ERASED in heads[HEAD["household"]]
    assert "汪德福" in heads["e9af0ac9-c5ae-4aeb-8868-a257a110e8d5"]


def test_people_of_older_events_are_erased_everywhere_and_the_store_is_unchanged(store) -> None:
    settings, meta = store
    token, now = meta["admin_token"], datetime.fromisoformat(meta["now"])
    opened = Opened(settings, now)
    elsewhere = Opened(settings, now)  # another process, already serving: its caches warm before the erasure
    try:
        opened.projections.engine.catch_up()
        before = _reads(opened, token)
        assert _reads(elsewhere, token) == before
        assert REPORTER["name"] in _text(before["case history"]) and HEAD["name"] in _text(before["household"])
        others = {name for name in OTHERS if any(name in _text(answer) for answer in before.values())}
        stored = _stored(opened.ledger)
        admin = {"Authorization": f"Bearer {token}"}

        by_phone = {"phone": REPORTER["phone"], "reason": "本人申请删除"}
        erased = opened.client.post("/api/v1/people/erase", headers=admin, json=by_phone)
        assert erased.status_code == 200, erased.get_json()
        assert erased.get_json()["keys_destroyed"] == 0 and erased.get_json()["older_records"] == "redacted"
        by_id = {"id_number": HEAD["id_number"], "reason": "本人申请删除"}
        erased = opened.client.post("/api/v1/people/erase", headers=admin, json=by_id)
        assert erased.status_code == 200, erased.get_json()
        assert erased.get_json()["households_blanked"] == 1
        opened.projections.engine.catch_up()

        _assert_erased(opened, token)
        after = _reads(opened, token)
        assert {name for name in OTHERS if any(name in _text(answer) for answer in after.values())} == others
        assert _stored(opened.ledger)[: len(stored)] == stored  # the older events' bytes: the same
        assert opened.ledger.verify_chain().intact
        assert opened.client.post("/api/v1/people/erase", headers=admin, json=by_phone).status_code == 404
        assert opened.client.post("/api/v1/people/erase", headers=admin, json=by_id).status_code == 404
        _assert_erased(elsewhere, token)  # its next request saw the security generation move (erased lookups only)

        rebuild(partial(GridLedger, settings), ["households"], jobs=1)  # `gridledger projections rebuild`
        _assert_erased(opened, token)
    finally:
        opened.close()
        elsewhere.close()

    fresh = Opened(settings, now)  # another process: the erased lookups come from the database
    try:
        _assert_erased(fresh, token)
        assert fresh.ledger.verify_chain().intact
    finally:
        fresh.close()


def test_a_member_of_an_older_household_is_erased_by_member_and_the_head_stays(store) -> None:
    settings, meta = store
    token = meta["admin_token"]
    opened = Opened(settings, datetime.fromisoformat(meta["now"]))
    try:
        home, member = HEAD["household"], "bbac098a-c5c6-4589-8e11-59f837581fd5"  # 陈师傅, a tenant
        admin = {"Authorization": f"Bearer {token}"}
        body = {"household_id": home, "member_id": member, "reason": "本人申请删除"}
        erased = opened.client.post("/api/v1/people/erase", headers=admin, json=body)
        assert erased.status_code == 200, erased.get_json()
        assert erased.get_json()["households_blanked"] == 0  # not the head
        opened.projections.engine.catch_up()

        household = json.loads(_get(opened, token, f"/api/v1/households/{home}"))
        members = {m["member_id"]: m for m in household["members"]}
        assert members[member]["name"] == ERASED and members[member]["phone"] == ERASED
        assert household["head"]["name"] == HEAD["name"]
        history = _text(_get(opened, token, f"/api/v1/households/{home}/history"))
        assert "陈师傅" not in history and "13767301234" not in history and HEAD["name"] in history
        assert _head_rows(opened)[home][0] == HEAD["name"]
        assert opened.client.post("/api/v1/people/erase", headers=admin, json=body).status_code == 404
        assert opened.ledger.verify_chain().intact
    finally:
        opened.close()
