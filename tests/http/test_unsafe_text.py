"""Text that XML, XLSX or PostgreSQL cannot hold: refused in every body and query string, stripped from every
export of events stored before it was refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from tests.support.api import Api
from tests.support.responses import assert_problem

MESSAGE = "Must not contain NUL, control characters, lone surrogates or noncharacters."
# Each was stored before: U+FFFE and U+FFFF made the handover list's XLSX not well-formed XML.
UNSAFE = {
    "U+FFFE": "\ufffe",
    "U+FFFF": "\uffff",
    "DEL": "\x7f",
    "NEL": "\x85",
    "C1 CSI": "\x9b",
    "U+FDD0": "\ufdd0",
    "U+1FFFE": "\U0001fffe",
    "U+10FFFF": "\U0010ffff",
}


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
def test_a_report_holding_it_is_a_422_and_spends_no_case_number(api: Api, char: str) -> None:
    before = int(api.report("worker")["case_no"][-5:])
    response = api.client.post(
        "/api/v1/cases",
        data=json.dumps(api.case_body(title=f"路灯{char}不亮")),
        headers={**api.territory.auth("worker"), "Content-Type": "application/json"},
    )
    assert assert_problem(response, 422)["errors"] == {"title": [MESSAGE]}
    assert int(api.report("worker")["case_no"][-5:]) == before + 1


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
def test_a_command_or_a_nested_field_holding_it_changes_nothing(api: Api, char: str) -> None:
    case = api.report("worker")
    assert_problem(api.post("dispatcher", f"/cases/{case['id']}/accept", {"note": f"受理{char}"}), 422)
    problem = assert_problem(api.post("worker", "/cases", api.case_body(reporter={"name": f"张{char}三"})), 422)
    assert problem["errors"] == {"reporter": {"name": [MESSAGE]}}
    assert api.version(f"/cases/{case['id']}") == 1


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
@pytest.mark.parametrize(
    "path, param",
    [("/cases", "q"), ("/audit", "actor"), ("/meetings", "org"), ("/households", "grid"), ("/patrols", "grid")],
)
def test_a_query_parameter_holding_it_is_a_422(api: Api, char: str, path: str, param: str) -> None:
    problem = assert_problem(api.get("admin", path, **{param: f"a{char}b"}), 422)
    assert problem["errors"] == {param: [MESSAGE]}


def test_an_export_strips_it_from_events_stored_before_it_was_refused(
    api: Api, ledger: GridLedger, cases: CaseCommands
) -> None:
    t = api.territory
    dirty = "".join(UNSAFE.values()) + "\x01\x1b"
    # Stored through the application layer, as requests could before: the schema is not asked.
    meeting = MeetingCommands(ledger).schedule(
        t.staff["secretary"],
        title=f"紫阳镇{dirty}交办会",
        level="town",
        org=t.grid("ziyang"),
        scheduled_for=dt.date(2099, 12, 1),
        chair=f"吴{dirty}书记",
    )
    case = cases.report(t.staff["worker"], api.case_body(title=f"路灯{dirty}不亮"))
    api.command("dispatcher", str(case.id), "accept")
    api.command("dispatcher", str(case.id), "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", str(case.id), "claim")
    cases.note(t.staff["chengguan"], str(case.id), text=f"已联系{dirty}城管")
    api.command("dispatcher", str(case.id), "escalate", {"meeting_id": str(meeting.id), "reason": "需镇级统筹"})
    path = f"/meetings/{meeting.id}/handover-list"

    xlsx = api.get("secretary", path, format="xlsx")
    assert xlsx.status_code == 200, xlsx.get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as package:  # every part is well-formed XML
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))
    book = load_workbook(io.BytesIO(xlsx.data))
    row = [cell.value for cell in book.active[2]]
    assert "路灯不亮" in row and "已联系城管" in row
    assert book.properties.title.startswith("紫阳镇交办会 交办清单 存证锚点 ")  # the chain's head follows

    rows = list(csv.reader(io.StringIO(api.get("secretary", path, format="csv").data.decode("utf-8-sig"))))
    assert "路灯不亮" in rows[1] and "已联系城管" in rows[1]
    html = api.get("secretary", path, format="html").get_data(as_text=True)
    assert "路灯不亮" in html and "紫阳镇交办会" in html and "吴书记" in html
    assert not any(char in html for char in dirty)


FORMULAS = ['=HYPERLINK("http://example.invalid","点击查看")', "+1-2 路灯", "-3 井盖", "@SUM(A1)"]


@pytest.mark.parametrize("title", FORMULAS)
def test_a_title_a_spreadsheet_would_run_is_shown_as_text_in_the_handover_list(
    api: Api, ledger: GridLedger, title: str
) -> None:
    """CSV injection (CWE-1236): a resident's title beginning with = + - @ reaches the meeting secretary's
    spreadsheet as text — in CSV behind an apostrophe, in XLSX as a string cell, never a formula."""
    t = api.territory
    meeting = MeetingCommands(ledger).schedule(
        t.staff["secretary"],
        title="紫阳镇交办会",
        level="town",
        org=t.grid("ziyang"),
        scheduled_for=dt.date(2099, 12, 1),
        chair="吴书记",
    )
    case = api.report("worker", title=title)
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "escalate", {"meeting_id": str(meeting.id), "reason": "需镇级统筹"})
    path = f"/meetings/{meeting.id}/handover-list"

    rows = list(csv.reader(io.StringIO(api.get("secretary", path, format="csv").data.decode("utf-8-sig"))))
    assert "'" + title in rows[1] and title not in rows[1]
    book = load_workbook(io.BytesIO(api.get("secretary", path, format="xlsx").data))
    [cell] = [cell for cell in book.active[2] if cell.value == title]
    assert cell.data_type == "s"  # a string, not a formula
