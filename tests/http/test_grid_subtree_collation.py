"""A grid subtree is a range of materialised paths; it must hold on a PostgreSQL database whose default collation is
not "C" (ICU or glibc locales order by letters first, so "/…/Cy/" fell inside the range of "/…/cy/")."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.ledger import GridLedger
from domain.actor import Role
from tests.support.api import Api
from tests.support.postgres import create_database, drop_database, postgres_server_url
from tests.support.territory import Territory


@pytest.fixture(params=["sqlite", "postgresql-icu-en-US"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite, and a PostgreSQL database created with an ICU en-US default collation (as a server initialised
    with a non-C locale makes every database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/gridledger.db"
        return
    server, name = postgres_server_url(), f"gridledger_icu_{uuid.uuid4().hex[:10]}"
    yield create_database(server, name, icu_locale="en-US")
    drop_database(server, name)


def test_a_dispatcher_of_grid_cy_never_sees_the_cases_of_grid_Cy(
    ledger: GridLedger, territory: Territory, api: Api
) -> None:
    # 紫阳镇 has two communities whose codes differ only in case: 'cy-…' and 'Cy-…'.
    lower, upper = f"cy-{territory.suffix}", f"Cy-{territory.suffix}"
    for code, name in ((lower, "茶园社区"), (upper, "朝阳社区")):
        ledger.directory.add_grid(code=code, name=name, level="community", parent=territory.grid("ziyang"))
    member, token = ledger.staff_accounts.add(name="茶园调度", role=Role.DISPATCHER, grid=lower)
    territory.tokens["cy_dispatcher"] = token
    # A case is reported in 'Cy-…' (the other community) and one in 'cy-…' (the dispatcher's own).
    theirs = api.report("admin", grid=upper, title="朝阳社区井盖缺失")
    mine = api.report("admin", grid=lower, title="茶园社区路灯不亮")
    position = max(theirs["position"], mine["position"])

    listed = api.get("cy_dispatcher", "/cases", min_position=position).get_json()
    assert [case["id"] for case in listed["items"]] == [mine["id"]]
    queued = api.get("cy_dispatcher", "/queues/triage", min_position=position).get_json()
    assert [case["id"] for case in queued["items"]] == [mine["id"]]
    filtered = api.get("admin", "/cases", grid=lower, min_position=position).get_json()
    assert [case["id"] for case in filtered["items"]] == [mine["id"]]
