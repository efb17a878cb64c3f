"""顺手拍 in a real browser (Playwright driving Debian Chromium, on both databases): a grid worker on a phone
reports a case with a photo that carries where it was taken, and the phone's position from the form's
"使用当前位置"; the case page shows both, and the file kept has no location in it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from application.ledger import GridLedger
from tests.console.test_browser import base_url, browser, shot, signed_in_page
from tests.console.test_photos import GPS, photo
from tests.support.territory import Territory

__all__ = ["base_url", "browser"]  # the live server and Chromium, as fixtures of this module's tests too
ZIYANG = {"latitude": 29.25, "longitude": 117.86}  # 婺源紫阳镇, where the phone says it is


def test_a_grid_worker_reports_with_a_photo_on_a_phone_screen(
    browser: Any, base_url: str, territory: Territory, ledger: GridLedger, request: pytest.FixtureRequest
) -> None:
    picture = photo()
    phone = signed_in_page(
        browser,
        base_url,
        territory.tokens["worker"],
        viewport={"width": 390, "height": 844},
        geolocation=ZIYANG,
        permissions=["geolocation"],
    )
    errors: list[str] = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.get_by_role("link", name="上报").click()
    phone.get_by_label("标题").fill("井盖破损")
    phone.get_by_label("情况描述").fill("文公北路口井盖破损，有行人绊倒的危险。")
    phone.get_by_label("类别").select_option("municipal")
    phone.get_by_label("地点").fill("紫阳镇文公北路口")
    phone.get_by_role("button", name="使用当前位置").click()  # the phone's position, through locate.js
    phone.get_by_text("已定位：29.250000, 117.860000").wait_for()
    phone.get_by_label("现场照片").set_input_files({"name": "井盖.jpg", "mimeType": "image/jpeg", "buffer": picture})
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing to scroll sideways
    phone.get_by_role("button", name="上报").click()
    phone.get_by_role("heading", name="井盖破损").wait_for()

    thumbnail = phone.get_by_role("img", name="照片：井盖.jpg")
    thumbnail.wait_for()
    thumbnail.evaluate("image => image.decode()")  # loaded and decoded: the page shows the photo itself
    assert thumbnail.evaluate("image => image.naturalWidth") > 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "case_photo_phone", request)

    assert phone.get_by_text("（29.250000, 117.860000）").count() == 1
    assert errors == []  # the script ran under the page's CSP (nonce), nothing refused

    case_id = phone.url.rsplit("/", 1)[1]
    reported = ledger.read_case(territory.staff["admin"], case_id)[0].details
    assert reported["location"] == {"address": "紫阳镇文公北路口", "lat": 29.25, "lon": 117.86}
    [attached] = reported["attachments"]
    with Image.open(ledger.attachments.store.path(attached["sha256"])) as kept:
        assert not kept.getexif().get_ifd(GPS)  # the photo carried a location; the file kept does not
    assert Image.open(io.BytesIO(picture)).getexif().get_ifd(GPS)
    full = phone.request.get(f"{base_url}/console/attachments/{attached['sha256']}")  # the page's session
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(full.body())).getexif().get_ifd(GPS)
