"""Phones over HTTP: every accepted form is stored as given and masked in every answer but an admin's."""

from __future__ import annotations

import pytest

from tests.support.api import Api

# (as written, as masked)
FORMS = {
    "+86 mobile": ("+86 138 1234 5678", "+86 138****5678"),
    "landline with extension": ("0793-7361234-801", "079****1234-***"),
    "+86 landline": ("+86 10 65123456", "+86 010****3456"),
}


@pytest.mark.parametrize("phone, masked", FORMS.values(), ids=FORMS.keys())
def test_an_accepted_phone_is_masked_for_everyone_but_an_admin(api: Api, phone: str, masked: str) -> None:
    t = api.territory
    case = api.report("worker", reporter={"name": "汪先生", "phone": phone})
    response = api.post(
        "worker",
        "/households",
        {
            "address": "茶苑社区1栋",
            "grid": t.grid("chayuan-01"),
            "kind": "owner",
            "head": {"name": "汪德福", "phone": phone},
        },
    )
    assert response.status_code == 201, response.get_json()
    home = response.get_json()
    assert api.get("admin", f"/cases/{case['id']}").get_json()["reporter"]["phone"] == phone
    assert api.get("admin", f"/households/{home['id']}").get_json()["head"]["phone"] == phone
    assert case["reporter"]["phone"] == home["head"]["phone"] == masked
    history = api.get("auditor", f"/cases/{case['id']}/history").get_json()
    assert history["events"][0]["data"]["report"]["reporter"]["phone"] == masked
    # This test's grid only: on the shared PostgreSQL database other tests' households fill the first pages.
    listed = api.get("admin", "/households", min_position=home["position"], grid=t.grid("chayuan-01"))
    listed = listed.get_json()["items"]
    assert [item["head"]["phone"] for item in listed if item["id"] == home["id"]] == [masked]
