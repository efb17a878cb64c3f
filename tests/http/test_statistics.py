"""Statistics over HTTP (API.md "Accountability: statistics"): figures by unit, each traceable to the events that
made it, as of any past moment, rankings with the fairness rule, and who sees which figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.clock import MovableClock

OCTOBER = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)  # 09:00 on Thursday 8 October in 紫阳镇
COUNTED = ("received", "instant", "general", "rejected", "dispatched", "returned", "followed_up", "overdue_open")
RATES = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "rework_rate", "return_rate")


def _handled(api: Api, who: str, *, department: str, claim: bool = True, **report: Any) -> dict[str, Any]:
    """Reported, accepted, dispatched to ``department`` and (maybe) claimed."""
    case = api.report(who, **report)
    api.command("dispatcher", case["id"], "accept")
    last = api.command("dispatcher", case["id"], "dispatch", {"lead_department": department})
    if claim:
        last = api.command(department.rsplit("-", 1)[0], case["id"], "claim")
    return last


def _follow_up(api: Api, case_id: str, satisfaction: str, **extra: Any) -> dict[str, Any]:
    return api.command("dispatcher", case_id, "follow-up", {"satisfaction": satisfaction, "method": "phone", **extra})


def october_of_ziyang(api: Api, clock: MovableClock) -> int:
    """A month of 紫阳镇: cases handled in time, late, returned, rejected, resolved on the spot, followed up twice
    (the last answer counts). Answers the last position."""
    t = api.territory
    chengguan, zhujian = t.department("chengguan"), t.department("zhujian")
    clock.now = OCTOBER
    a = _handled(api, "worker", department=chengguan)
    api.command("chengguan", a["id"], "resolve", {"result": "已修复路灯"})
    _follow_up(api, a["id"], "satisfied")
    b = _handled(api, "other_worker", department=zhujian, grid=t.grid("chayuan-02"), category="safety_hazard")
    api.command("zhujian", b["id"], "resolve", {"result": "已加固"})
    _follow_up(api, b["id"], "unsatisfied")  # reopens: in progress again
    api.command("zhujian", b["id"], "resolve", {"result": "再次加固"})
    clock.advance(days=1)
    _follow_up(api, b["id"], "basically_satisfied")  # the last answer of October counts
    c = api.report("intake", title="重复投诉", channel="mini_program")
    api.command("dispatcher", c["id"], "reject", {"reason": "重复"})
    d = api.report("worker", title="门前垃圾", category="sanitation", track="instant", channel="snapshot")
    api.command("worker", d["id"], "resolve", {"result": "当场清理"})
    _follow_up(api, d["id"], "satisfied")
    e = _handled(api, "worker", department=chengguan, claim=False, channel="hotline")
    api.command("chengguan", e["id"], "return", {"reason": "不属于城管职责"})
    f = _handled(api, "worker", department=zhujian, claim=False, title="楼道堆物")
    clock.advance(days=10)  # 住建 claims late: the claim deadline is missed in October
    return api.command("zhujian", f["id"], "claim")["position"]


def _monthly(api: Api, who: str, position: int, **params: Any) -> dict[str, Any]:
    return api.read(who, "/stats/monthly", position, **params)


def test_a_month_of_figures_by_town_and_community(api: Api, clock: MovableClock) -> None:
    t = api.territory
    position = october_of_ziyang(api, clock)
    answer = _monthly(api, "auditor", position, month="2026-10", by="community", grid=t.grid("ziyang"))
    assert answer["month"] == "2026-10" and answer["by"] == "community"
    assert [row["unit"] for row in answer["rows"]] == [t.grid("chayuan")]
    row = answer["rows"][0]
    assert (row["received"], row["instant"], row["general"], row["rejected"]) == (6, 1, 5, 1)
    assert row["dispatched"] == 4 and row["returned"] == 1 and row["return_rate"] == 25.0
    # claims: a in time, b in time, e returned in time, f late; d resolved on the spot in time
    assert row["parts"]["response_rate"] == {"numerator": 4, "denominator": 5} and row["response_rate"] == 80.0
    # follow-ups: a satisfied, b's last answer basically satisfied (its unsatisfied one replaced), d satisfied
    assert row["followed_up"] == 3 and row["satisfaction_rate"] == 100.0
    assert row["parts"]["resolution_rate"] == {"numerator": 3, "denominator": 3}
    assert row["reopened"] == 1 and row["resolved"] == 4 and row["rework_rate"] == 25.0
    assert answer["totals"]["received"] == 6
    assert set(answer["definitions"]) >= {*RATES, "received", "attribution"}
    towns = _monthly(api, "auditor", position, month="2026-10", by="town", grid=t.grid("wuyuan"))
    by_town = {row["unit"]: row["received"] for row in towns["rows"]}
    assert by_town == {t.grid("ziyang"): 6, t.grid("qingshan"): 0}
    period = _monthly(api, "auditor", position, **{"from": "2026-09", "to": "2026-11"}, grid=t.grid("ziyang"))
    assert period["month"] is None and period["totals"]["received"] == 6


@pytest.mark.parametrize("by", ["town", "community", "grid", "department", "category", "channel"])
def test_every_figure_of_every_unit_is_exactly_its_cases(api: Api, clock: MovableClock, by: str) -> None:
    """The drill-down lists as many counted cases as each figure's numerator and denominator."""
    t = api.territory
    position = october_of_ziyang(api, clock)
    answer = _monthly(api, "auditor", position, month="2026-10", by=by, grid=t.grid("ziyang"))
    checked = 0
    # this territory's units (on PostgreSQL the database is shared: by=department lists every test's departments)
    ours = [row for row in answer["rows"] if by in ("category", "channel") or t.suffix in row["unit"]]
    assert ours
    for row in ours:
        for figure in (*RATES, *COUNTED):
            expected = row["parts"][figure] if figure in RATES else {"numerator": row[figure]}
            for part, count in expected.items():
                params = {"month": "2026-10", "by": by, "unit": row["unit"], "figure": figure, "part": part}
                cases = api.read(
                    "auditor", "/stats/monthly/cases", position, grid=t.grid("ziyang"), per_page=200, **params
                )
                assert cases["total"] == len(cases["items"]) == count, (row["unit"], figure, part)
                checked += count
                for item in cases["items"]:
                    assert item["case_no"] and item["deciding_event"]["position"] <= position
    assert checked > 0


def test_figures_as_of_a_past_moment(api: Api, clock: MovableClock) -> None:
    """October's response rate as the endpoint answered it on 10-27, 11-03 and today: a claim deadline that passed
    unmet counts as missed from when it passed, and 住建's late claim on 11-13 then decides it (still missed)."""
    t = api.territory
    chengguan, zhujian = t.department("chengguan"), t.department("zhujian")
    clock.now = datetime(2026, 10, 27, 1, 0, tzinfo=UTC)  # a Tuesday
    _handled(api, "worker", department=chengguan)
    late = _handled(api, "worker", department=zhujian, claim=False)  # its claim deadline passes in October
    params = {"month": "2026-10", "by": "town", "grid": t.grid("ziyang")}
    said_on_27th = _monthly(api, "leader", late["position"], **params)["rows"][0]
    assert said_on_27th["parts"]["response_rate"] == {"numerator": 1, "denominator": 1}
    assert said_on_27th["overdue_open"] == 0
    clock.now = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    said_on_3rd = _monthly(api, "leader", late["position"], **params)["rows"][0]
    assert said_on_3rd["parts"]["response_rate"] == {"numerator": 1, "denominator": 2}
    assert said_on_3rd["overdue_open"] == 1  # unclaimed past its deadline when October ended
    clock.now = datetime(2026, 11, 13, 2, 0, tzinfo=UTC)
    claimed = api.command("zhujian", late["id"], "claim")
    today = _monthly(api, "leader", claimed["position"], **params)["rows"][0]
    assert today["response_rate"] == 50.0 and today["overdue_open"] == 1
    assert _monthly(api, "leader", claimed["position"], **params, as_of="2026-10-27")["rows"][0] == said_on_27th
    assert _monthly(api, "leader", claimed["position"], **params, as_of="2026-11-03")["rows"][0] == said_on_3rd
    # What decided the late case's deadline: its passing on 11-03, its late claim (recorded 11-13) today.
    drill = {**params, "unit": t.grid("ziyang"), "figure": "response_rate", "part": "denominator"}
    then = api.read("leader", "/stats/monthly/cases", claimed["position"], **drill, as_of="2026-11-03")
    now = api.read("leader", "/stats/monthly/cases", claimed["position"], **drill)
    (passed,) = [item for item in then["items"] if item["case_id"] == late["id"]]
    (decided,) = [item for item in now["items"] if item["case_id"] == late["id"]]
    assert passed["deciding_event"]["type"] == "DeadlinePassed" and passed["month"] == "2026-10"
    assert decided["deciding_event"]["type"] == "Claimed" and decided["month"] == "2026-10"
    assert decided["deciding_event"]["recorded_at"].startswith("2026-11-13")
    assert then["total"] == now["total"] == 2


def test_a_later_answer_of_the_month_replaces_the_earlier_one_from_when_it_came(api: Api, clock: MovableClock) -> None:
    t = api.territory
    clock.now = OCTOBER
    case = _handled(api, "worker", department=t.department("chengguan"))
    api.command("chengguan", case["id"], "resolve", {"result": "已修复"})
    first = _follow_up(api, case["id"], "unsatisfied")
    clock.advance(days=2)
    api.command("chengguan", case["id"], "resolve", {"result": "再修"})
    clock.advance(days=1)
    second = _follow_up(api, case["id"], "satisfied")
    params = {"month": "2026-10", "by": "town", "grid": t.grid("ziyang")}
    now = _monthly(api, "auditor", second["position"], **params)["rows"][0]
    assert now["followed_up"] == 1 and now["satisfaction_rate"] == 100.0
    before = _monthly(api, "auditor", second["position"], **params, as_of="2026-10-09")["rows"][0]
    assert before["followed_up"] == 1 and before["satisfaction_rate"] == 0.0
    satisfied = api.read(
        "auditor",
        "/stats/monthly/cases",
        second["position"],
        **params,
        unit=t.grid("ziyang"),
        figure="satisfaction_rate",
        part="denominator",
    )
    assert [item["deciding_event"]["position"] for item in satisfied["items"]] == [second["position"]]
    assert first["position"] < second["position"]


def test_rankings_leave_out_units_with_few_cases_and_ties_share_a_rank(api: Api, clock: MovableClock) -> None:
    t = api.territory
    position = october_of_ziyang(api, clock)
    params = {"month": "2026-10", "level": "town", "grid": t.grid("wuyuan")}
    few = api.read("auditor", "/stats/rankings", position, **params)
    assert few["ranked"] == [] and few["weights"] == {
        "response_rate": 0.1,
        "on_time_rate": 0.45,
        "satisfaction_rate": 0.45,
    }
    assert {row["unit"]: row["received"] for row in few["not_ranked"]} == {t.grid("ziyang"): 6, t.grid("qingshan"): 0}
    assert all("fewer than 10" in row["reason"] for row in few["not_ranked"])
    ranked = api.read("auditor", "/stats/rankings", position, **params, min_cases=1)
    assert [(row["rank"], row["unit"]) for row in ranked["ranked"]] == [(1, t.grid("ziyang"))]
    assert ranked["ranked"][0]["score"] > 0
    departments = api.read("auditor", "/stats/rankings", position, **params | {"level": "department"}, min_cases=0)
    ours = [row for row in departments["ranked"] if row["unit"] in (t.department("chengguan"), t.department("zhujian"))]
    assert len(ours) == 2


def test_who_sees_which_figures(api: Api, clock: MovableClock) -> None:
    t = api.territory
    position = october_of_ziyang(api, clock)
    month = {"month": "2026-10"}
    mine = api.read("chengguan", "/stats/monthly", position, **month, by="department")
    assert [row["unit"] for row in mine["rows"]] == [t.department("chengguan")]
    assert mine["rows"][0]["dispatched"] == 2 and mine["totals"]["dispatched"] == 2
    for params in ({"by": "town"}, {"by": "department", "grid": t.grid("ziyang")}):
        assert api.get("chengguan", "/stats/monthly", **month, **params).status_code == 403
    assert api.get("other_dispatcher", "/stats/monthly", **month, grid=t.grid("ziyang")).status_code == 403
    theirs = api.read("other_dispatcher", "/stats/monthly", position, **month, by="town")
    assert [row["unit"] for row in theirs["rows"]] == [t.grid("qingshan")] and theirs["totals"]["received"] == 0
    assert api.get("worker", "/stats/monthly", **month).status_code == 403
    assert api.get("intake", "/stats/rankings", **month).status_code == 403
    for who in ("secretary", "admin", "leader", "dispatcher"):
        assert api.get(who, "/stats/monthly", **month, grid=t.grid("ziyang")).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "2026-10", "from": "2026-01", "to": "2026-02"},
        {"from": "2026-05", "to": "2026-01"},
        {"from": "2026-05"},
        {"month": "2026-10", "by": "street"},
        {"month": "2026-10", "grid": "no-such-grid"},
        {"month": "2026-10", "as_of": "yesterday"},
    ],
)
def test_bad_periods_and_units_are_422(api: Api, params: dict[str, Any]) -> None:
    response = api.get("auditor", "/stats/monthly", **params)
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"


def test_a_count_has_no_denominator_and_an_unknown_unit_is_422(api: Api) -> None:
    t = api.territory
    base = {"month": "2026-10", "by": "town", "figure": "received"}
    assert (
        api.get("auditor", "/stats/monthly/cases", **base, unit=t.grid("ziyang"), part="denominator").status_code == 422
    )
    assert api.get("auditor", "/stats/monthly/cases", **base, unit="nowhere").status_code == 422


def test_a_trend_of_months_and_the_hot_spots(api: Api, clock: MovableClock) -> None:
    t = api.territory
    clock.now = datetime(2026, 9, 10, 1, 0, tzinfo=UTC)
    api.report("worker", category="parking")
    position = october_of_ziyang(api, clock)
    period = {"from": "2026-09", "to": "2026-11", "grid": t.grid("ziyang")}
    trend = api.read("leader", "/stats/trend", position, **period)
    assert [(row["month"], row["received"]) for row in trend["rows"]] == [
        ("2026-09", 1),
        ("2026-10", 6),
        ("2026-11", 0),
    ]
    assert trend["rows"][1]["response_rate"] == 80.0 and trend["month"] is None
    ours = api.read(
        "zhujian", "/stats/trend", position, **{"from": "2026-10", "to": "2026-10"}, department=t.department("zhujian")
    )
    assert ours["rows"][0]["dispatched"] == 2
    assert api.get("zhujian", "/stats/trend", month="2026-10", department=t.department("chengguan")).status_code == 403
    spots = api.read("leader", "/stats/hotspots", position, month="2026-10", grid=t.grid("ziyang"), top=2)
    assert [(s["rank"], s["category"], s["grid"], s["received"]) for s in spots["items"]] == [
        (1, "municipal", t.grid("chayuan-01"), 4),
        (2, "safety_hazard", t.grid("chayuan-02"), 1),
    ]
    assert spots["items"][0]["previous"] == 0 and spots["items"][0]["change"] == 4
    parking = api.read("leader", "/stats/hotspots", position, month="2026-09", grid=t.grid("ziyang"))
    assert [(s["category"], s["change"], s["category_label"]) for s in parking["items"]] == [("parking", 1, "乱停乱放")]


def test_monthly_figures_and_rankings_as_csv_and_xlsx(api: Api, clock: MovableClock) -> None:
    import io

    from openpyxl import load_workbook

    t = api.territory
    position = october_of_ziyang(api, clock)
    params = {"month": "2026-10", "by": "community", "grid": t.grid("ziyang"), "min_position": position}
    csv = api.get("leader", "/stats/monthly", **params, format="csv")
    assert csv.status_code == 200 and csv.content_type.startswith("text/csv")
    text = csv.data.decode("utf-8-sig").splitlines()
    assert text[0].startswith("紫阳镇 统计 2026-10") and text[1].startswith("代码,单位,受理")
    assert text[2].startswith(f"{t.grid('chayuan')},茶苑社区,6,1,5") and "80.0%" in text[2]
    ranking = {"month": "2026-10", "level": "community", "grid": t.grid("ziyang"), "min_cases": 1}
    xlsx = api.get("leader", "/stats/rankings", **ranking, format="xlsx")
    assert xlsx.status_code == 200, xlsx.data
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("紫阳镇 排名 2026-10") and rows[1][:3] == ("名次", "代码", "单位")
    assert rows[2][0] == 1 and rows[2][1] == t.grid("chayuan") and rows[2][4] == 0.8 and rows[2][7] == 6
    assert sheet.cell(row=3, column=5).number_format == "0.0%"


def test_urges_and_an_unsolved_answer_over_http_make_their_figures(api: Api, clock: MovableClock) -> None:
    """督办 twice, then a satisfied caller who says the problem is not solved: urged 2, satisfaction 100%,
    resolution 0% — each traceable to its events."""
    t = api.territory
    chengguan = t.department("chengguan")
    clock.now = OCTOBER
    case = _handled(api, "worker", department=chengguan)
    api.command("dispatcher", case["id"], "urge", {"note": "群众反映强烈，请加快办理"})
    api.command("leader", case["id"], "urge", {"note": "请今日内办结"})
    api.command("chengguan", case["id"], "resolve", {"result": "已疏通下水道"})
    position = _follow_up(api, case["id"], "satisfied", solved=False)["position"]
    answer = _monthly(api, "auditor", position, month="2026-10", by="department")
    row = next(row for row in answer["rows"] if row["unit"] == chengguan)
    assert row["urged"] == 2 and row["followed_up"] == 1
    assert row["satisfaction_rate"] == 100.0 and row["resolution_rate"] == 0.0
    assert row["parts"]["resolution_rate"] == {"numerator": 0, "denominator": 1}
    urged = api.read(
        "auditor",
        "/stats/monthly/cases",
        position,
        month="2026-10",
        by="department",
        unit=chengguan,
        figure="urged",
        part="numerator",
    )
    assert [item["deciding_event"]["type"] for item in urged["items"]] == ["Urged", "Urged"]
