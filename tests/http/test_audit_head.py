"""``GET /audit/head`` and the anchor on every handover list: the chain's head as handed out, which
``gridledger verify --anchor`` checks the store against later."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from application.event_chain import Link
from application.ledger import GridLedger
from tests.support.api import Api


def test_auditors_and_admins_read_the_head_which_is_the_last_event_written(api: Api, ledger: GridLedger) -> None:
    case = api.report("worker")

    for who in ("auditor", "admin"):
        response = api.get(who, "/audit/head")
        assert response.status_code == 200, response.get_json()
        head = response.get_json()
        assert head["position"] == case["position"]
        assert Link(head["position"], bytes.fromhex(head["hash"])) == ledger.chain_head()
        assert datetime.fromisoformat(head["at"]).utcoffset() is not None
    assert ledger.verify_chain(Link(head["position"], bytes.fromhex(head["hash"]))).intact


@pytest.mark.parametrize("who", ["worker", "dispatcher", "chengguan", "secretary", "leader", "intake"])
def test_other_roles_may_not_read_the_head(api: Api, who: str) -> None:
    response = api.get(who, "/audit/head")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_every_format_of_the_handover_list_carries_the_head_as_its_anchor(api: Api, ledger: GridLedger) -> None:
    t = api.territory
    meeting = api.schedule_meeting(title="紫阳镇交办会", level="town", org="ziyang", scheduled_for="2026-07-01")
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", case["id"], "claim")
    api.command("dispatcher", case["id"], "escalate", {"meeting_id": meeting["id"], "reason": "需镇级统筹"})
    path = f"/meetings/{meeting['id']}/handover-list"
    head = api.get("auditor", "/audit/head").get_json()
    anchor = f"{head['position']}:{head['hash']}"

    listed = api.get("secretary", path).get_json()
    assert {key: listed["anchor"][key] for key in ("position", "hash")} == {
        "position": head["position"],
        "hash": head["hash"],
    }
    rows = list(csv.reader(io.StringIO(api.get("secretary", path, format="csv").data.decode("utf-8-sig"))))
    assert rows[-1] == ["存证锚点", anchor] and len(rows) == 3  # heading, the item, the anchor
    book = load_workbook(io.BytesIO(api.get("secretary", path, format="xlsx").data))
    assert book.properties.title == f"紫阳镇交办会 交办清单 存证锚点 {anchor}"
    assert book.active.max_row == 2  # the sheet holds the items only: the anchor is in its title and footer
    assert book.active.oddFooter.center.text == f"存证锚点 {anchor}"
    html = api.get("secretary", path, format="html").get_data(as_text=True)
    assert f"gridledger verify --anchor {anchor}" in html
    assert ledger.verify_chain(Link.parse(anchor)).intact
