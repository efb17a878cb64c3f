"""顺手拍 in a real browser (Playwright driving Debian Chromium, on both databases): a grid worker on a phone
reports a case with a photo that carries where it was taken; the case page shows it, and the file kept has no
location in it."""

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


def test_a_grid_worker_reports_with_a_photo_on_a_phone_screen(
    browser: Any, base_url: str, territory: Territory, ledger: GridLedger, request: pytest.FixtureRequest
) -> None:
    picture = photo()
    phone = signed_in_page(browser, base_url, territory.tokens["worker"], viewport={"width": 390, "height": 844})
    phone.get_by_role("link", name="上报").click()
    phone.get_by_label("标题").fill("井盖破损")
    phone.get_by_label("情况描述").fill("文公北路口井盖破损，有行人绊倒的危险。")
    phone.get_by_label("类别").select_option("municipal")
    phone.get_by_label("地点").fill("紫阳镇文公北路口")
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

    case_id = phone.url.rsplit("/", 1)[1]
    [attached] = ledger.read_case(territory.staff["admin"], case_id)[0].details["attachments"]
    with Image.open(ledger.attachments.store.path(attached["sha256"])) as kept:
        assert not kept.getexif().get_ifd(GPS)  # the photo carried a location; the file kept does not
    assert Image.open(io.BytesIO(picture)).getexif().get_ifd(GPS)
    full = phone.request.get(f"{base_url}/console/attachments/{attached['sha256']}")  # the page's session
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(full.body())).getexif().get_ifd(GPS)
