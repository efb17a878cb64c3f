"""The demo reproduces the seed: 紫阳镇 "去年以来……受理各类群众诉求567件，其中E呼即办件304件，一般件263件，
回访满意度达83.4%" — from 2025-01 to the last full month, whatever today is; 秋口镇 gives rankings a second row and
its 李坑村 is under ``min_cases``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from interface.demo import load_demo

TODAY = None
FIRST_OF_MARCH = datetime(2026, 2, 28, 16, 30, tzinfo=UTC)  # 00:30 on 1 March in 紫阳镇: March has barely begun
NEW_YEAR = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)  # the last full month is December 2025


@pytest.mark.parametrize("now", [TODAY, FIRST_OF_MARCH, NEW_YEAR], ids=["today", "first-of-march", "january"])
def test_the_demo_period_shows_the_seeds_figures(own_database_url: str, now: datetime | None) -> None:
    # Given the demo loaded as `gridledger demo` does (today, or as if on another day)
    tokens = load_demo(Settings(database_url=own_database_url), echo=lambda line: None, now=now)
    ledger = GridLedger(Settings(database_url=own_database_url))
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": True}, ledger=ledger)
    try:
        client = app.test_client()
        head = ledger.recorder.max_notification_id()
        today = (now or datetime.now(UTC)).astimezone(ledger.local_zone)
        last = f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
        auth = {"Authorization": f"Bearer {tokens['auditor']}"}

        def get(path: str, **params: object) -> dict:
            answer = client.get(f"/api/v1{path}", query_string={"min_position": head, **params}, headers=auth)
            assert answer.status_code == 200, answer.get_json()
            return answer.get_json()

        # When the auditor asks for 紫阳镇's figures from January 2025 to the last full month
        period = get("/stats/monthly", **{"from": "2025-01", "to": last}, grid="ziyang")
        totals = period["totals"]
        # Then they are the seed's
        assert (totals["received"], totals["instant"], totals["general"]) == (567, 304, 263)
        assert round(totals["satisfaction_rate"], 1) == 83.4
        # ...spread over every month, categories, channels and departments
        trend = get("/stats/trend", **{"from": "2025-01", "to": last}, grid="ziyang")
        assert all(point["received"] > 0 for point in trend["rows"])
        by_category = get("/stats/monthly", **{"from": "2025-01", "to": last}, grid="ziyang", by="category")
        assert len([row for row in by_category["rows"] if row["received"]]) >= 6
        by_department = get("/stats/monthly", **{"from": "2025-01", "to": last}, grid="ziyang", by="department")
        assert len([row for row in by_department["rows"] if row["dispatched"]]) == 4
        # And the rankings of towns have two rows; 李坑村 is too small to be ranked among communities
        towns = get("/stats/rankings", **{"from": "2025-01", "to": last}, level="town", grid="wuyuan")
        assert len(towns["ranked"]) == 2
        communities = get("/stats/rankings", **{"from": "2025-01", "to": last}, level="community", grid="wuyuan")
        assert "likeng" in [row["unit"] for row in communities["not_ranked"]]
    finally:
        app.extensions["gridledger"].projections.close()
        ledger.datastore.engine.dispose()
