"""A queue page: by deadline earliest or latest first, filtered by grid and category, and the page links keep
the sort and the filters (changing either starts again at page 1). ``GET /queues/{name}`` takes the same query."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.case_commands import CaseCommands
from interface.console import pages
from tests.console.test_case_page import signed_in
from tests.support.clock import MovableClock
from tests.support.territory import Territory
from tests.support.waiting import wait_until

# (title, category, grid): reported an hour apart, so each is due to be accepted an hour after the one before.
REPORTED = [
    ("排队甲 路灯不亮", "municipal", "chayuan-01"),
    ("排队乙 垃圾堆放", "sanitation", "chayuan-01"),
    ("排队丙 井盖松动", "municipal", "chayuan-02"),
    ("排队丁 污水外溢", "sanitation", "chayuan-02"),
    ("排队戊 路面塌陷", "municipal", "chayuan-01"),
]
TITLE = re.compile(r"<td>(排队\S)")
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def dispatcher(app: Flask, territory: Territory, cases: CaseCommands, clock: MovableClock) -> FlaskClient:
    for title, category, grid in REPORTED:
        body = {
            "title": title,
            "description": "排队页测试",
            "category": category,
            "channel": "grid_app",
            "track": "general",
            "grid": territory.grid(grid),
            "location": {"address": "紫阳镇文公北路12号"},
        }
        cases.report(territory.staff["dispatcher"], body)
        clock.advance(hours=1)
    client = signed_in(app, territory, "dispatcher")
    wait_until(lambda: len(titles(client)) == len(REPORTED), what="the triage queue holds every case")
    return client


def titles(client: FlaskClient, **query: str) -> list[str]:
    answer = client.get("/console/queues/triage", query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return TITLE.findall(answer.get_data(as_text=True))


def links(page: str, text: str) -> list[str]:
    """The hrefs of the links whose text is ``text`` (HTML-unescaped)."""
    found = re.findall(r'<a href="([^"]+)">' + re.escape(text) + "</a>", page)
    return [href.replace("&amp;", "&") for href in found]


def test_sorted_by_deadline_both_ways(dispatcher: FlaskClient) -> None:
    assert titles(dispatcher) == ["排队甲", "排队乙", "排队丙", "排队丁", "排队戊"]
    assert titles(dispatcher, order="due") == ["排队甲", "排队乙", "排队丙", "排队丁", "排队戊"]
    assert titles(dispatcher, order="-due") == ["排队戊", "排队丁", "排队丙", "排队乙", "排队甲"]


def test_filtered_by_grid_and_category(dispatcher: FlaskClient, territory: Territory) -> None:
    assert titles(dispatcher, category="municipal") == ["排队甲", "排队丙", "排队戊"]
    assert titles(dispatcher, grid=territory.grid("chayuan-02")) == ["排队丙", "排队丁"]
    both = {"grid": territory.grid("chayuan-01"), "category": "municipal", "order": "-due"}
    assert titles(dispatcher, **both) == ["排队戊", "排队甲"]
    page = dispatcher.get("/console/queues/triage", query_string=both).get_data(as_text=True)
    assert '<option value="municipal" selected>市政设施</option>' in page  # the pickers show the filter
    assert f'<option value="{territory.grid("chayuan-01")}" selected>' in page
    assert '<input type="hidden" name="order" value="-due">' in page  # filtering keeps the sort


def test_page_links_keep_the_sort_and_the_filters(
    dispatcher: FlaskClient, territory: Territory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PER_PAGE", 2)
    query = {"category": "municipal", "order": "-due"}
    first = dispatcher.get("/console/queues/triage", query_string=query).get_data(as_text=True)
    assert TITLE.findall(first) == ["排队戊", "排队丙"] and "第 1 / 2 页" in first
    [following] = links(first, "下一页")
    assert "category=municipal" in following and "order=-due" in following and "page=2" in following
    second = dispatcher.get(following).get_data(as_text=True)
    assert TITLE.findall(second) == ["排队甲"] and "第 2 / 2 页" in second
    [earliest_first] = links(second, "最早在前")  # the other sort, same filter, from page 1
    assert "category=municipal" in earliest_first and "page=" not in earliest_first
    assert TITLE.findall(dispatcher.get(earliest_first).get_data(as_text=True)) == ["排队甲", "排队丙"]
    [previous] = links(second, "上一页")
    assert TITLE.findall(dispatcher.get(previous).get_data(as_text=True)) == ["排队戊", "排队丙"]


def test_bad_sort_or_category_is_a_page_in_chinese(dispatcher: FlaskClient) -> None:
    for query in ({"order": "sideways"}, {"category": "nope"}, {"page": "0"}):
        answer = dispatcher.get("/console/queues/triage", query_string=query)
        assert answer.status_code == 422 and "填写有误" in answer.get_data(as_text=True), query


def test_the_api_takes_the_same_query(app: Flask, dispatcher: FlaskClient, territory: Territory) -> None:
    answer = app.test_client().get(
        "/api/v1/queues/triage",
        query_string={"order": "-due", "category": "sanitation"},
        headers=territory.auth("dispatcher"),
    )
    assert answer.status_code == 200, answer.get_json()
    assert [item["title"][:3] for item in answer.get_json()["items"]] == ["排队丁", "排队乙"]
    refused = app.test_client().get("/api/v1/queues/triage?order=up", headers=territory.auth("dispatcher"))
    assert refused.status_code == 422
