"""Every answer carries the security headers; failed authentication is throttled (429 problem+json)."""

from __future__ import annotations

import re

from flask import Flask

from interface.auth_throttle import FailureThrottle
from tests.support.api import Api
from tests.support.responses import assert_problem


def test_json_answers_forbid_sniffing_framing_caching_and_referrers(api: Api) -> None:
    response = api.get("admin", "/me")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    unauthorised = api.client.get("/api/v1/me")
    assert unauthorised.headers["X-Content-Type-Options"] == "nosniff"


def test_the_printable_handover_list_styles_itself_with_a_nonce_not_unsafe_inline(api: Api) -> None:
    meeting = api.schedule_meeting(title="紫阳镇六月交办会", level="town", org="ziyang", scheduled_for="2026-06-20")
    page = api.get("secretary", f"/meetings/{meeting['id']}/handover-list", format="html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = page.get_data(as_text=True)
    assert f'<style nonce="{nonce}">' in html and " style=" not in html
    again = api.get("secretary", f"/meetings/{meeting['id']}/handover-list", format="html")
    assert nonce not in again.headers["Content-Security-Policy"]  # a fresh nonce per answer


def test_repeated_unknown_tokens_are_answered_429_with_retry_after(app: Flask, api: Api) -> None:
    app.extensions["gridledger.auth_throttle"] = FailureThrottle(per_address=5, per_prefix=100)
    for attempt in range(5):
        response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer glt_guess-{attempt:04d}"})
        assert_problem(response, 401)
    held = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {api.territory.tokens['admin']}"})
    body = assert_problem(held, 429)
    assert int(held.headers["Retry-After"]) >= 1 and "wait" in body["detail"]
