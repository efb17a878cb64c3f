"""Photos in the console (顺手拍): the report form takes one (kept without its EXIF, by the API's own upload), the
case page shows it, and only the case's readers get it; a bad file is refused in Chinese and nothing is kept.
A form posted twice is carried out once (its key drawn with the page is the command's Idempotency-Key)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from application.attachments import MAX_SIZE
from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.pages import CSRF
from tests.console.test_case_page import act, page_of, report, signed_in
from tests.http.test_attachments import GPS
from tests.support.territory import Territory

BOUNDARY = "gridledger-console-test"
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
THUMBNAIL = re.compile(r'src="(/console/attachments/([0-9a-f]{64})/thumbnail)"')


def photo() -> bytes:
    """A phone's photo with where it was taken in its EXIF, of pixels no other test's photo has: the PostgreSQL
    database is shared by a run's tests, and a file another test's case references is that case's readers' only."""
    image = Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3))
    exif = Image.Exif()
    exif[GPS] = {1: "N", 2: (29.0, 15.0, 0.0), 3: "E", 4: (117.0, 51.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS)  # it does carry a location
    return out.getvalue()


def report_form(client: FlaskClient) -> dict[str, str]:
    """The hidden fields of a freshly drawn report form: its CSRF token and its form key."""
    page = client.get("/console/report").get_data(as_text=True)
    return {"csrf_token": CSRF.search(page).group(1), "form_key": FORM_KEY.search(page).group(1)}


def fields(territory: Territory, hidden: dict[str, str], title: str = "排水沟堵塞") -> dict[str, str]:
    return {
        **hidden,
        "title": title,
        "description": "菜市场后排水沟堵塞，雨天积水。",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
        "address": "紫阳镇菜市场后",
    }


def post_report(
    client: FlaskClient, values: dict[str, str], data: bytes | None = None, filename: str = "现场.jpg"
) -> TestResponse:
    return post_form(client, "/console/report", values, data, filename)


def post_form(
    client: FlaskClient,
    path: str,
    values: dict[str, str],
    data: bytes | None = None,
    filename: str = "现场.jpg",
    content_type: str = "image/jpeg",
) -> TestResponse:
    """The form as a browser sends it, made here in memory (the test client's own spills large files to disk)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in values.items()
    ]
    if data is not None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    return client.post(
        path,
        data=b"".join(parts) + f"--{BOUNDARY}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def action_form(client: FlaskClient, case_id: str, action: str) -> dict[str, str]:
    """The hidden fields of one action's form on a freshly drawn case page."""
    page = page_of(client, case_id)
    form = page.split(f'action="/console/cases/{case_id}/{action}"', 1)[1].split("</form>", 1)[0]
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    assert 'enctype="multipart/form-data"' in form.split(">", 1)[0]
    return {"csrf_token": CSRF.search(page).group(1), "version": version, "form_key": FORM_KEY.search(form).group(1)}


def cases_in_grid(app: Flask, territory: Territory, after: int) -> int:
    """How many cases the case list shows in this test's grid once it has caught up with position ``after``."""
    answer = app.test_client().get(
        f"/api/v1/cases?grid={territory.grid('chayuan-01')}&min_position={after}", headers=territory.auth("admin")
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return int(answer.get_json()["total"])


def stored_files(ledger: GridLedger) -> list[Path]:
    directory = ledger.attachments.store.directory
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def test_a_report_with_a_photo_shows_it_on_the_case_page_without_its_location(
    app: Flask, territory: Territory, ledger: GridLedger
) -> None:
    worker = signed_in(app, territory, "worker")
    answer = post_report(worker, fields(territory, report_form(worker)), photo())
    assert answer.status_code == 302, answer.get_data(as_text=True)
    case_id = answer.headers["Location"].rsplit("/", 1)[1]
    case = ledger.read_case(territory.staff["admin"], case_id)[0]
    [attached] = case.details["attachments"]
    assert attached["filename"] == "现场.jpg" and attached["content_type"] == "image/jpeg"

    page = worker.get(f"/console/cases/{case_id}")
    html = page.get_data(as_text=True)
    thumbnail_url, digest = THUMBNAIL.search(html).groups()
    assert digest == attached["sha256"] and f'href="/console/attachments/{digest}"' in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    thumbnail = worker.get(thumbnail_url)
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 320
    full = worker.get(f"/console/attachments/{digest}")
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(full.data)).getexif().get_ifd(GPS)
    with Image.open(ledger.attachments.store.path(digest)) as kept:
        assert not kept.getexif().get_ifd(GPS)


def test_only_a_reader_of_the_case_gets_its_photo(app: Flask, territory: Territory, ledger: GridLedger) -> None:
    worker = signed_in(app, territory, "worker")
    case_id = post_report(worker, fields(territory, report_form(worker)), photo()).headers["Location"].rsplit("/")[-1]
    digest = ledger.read_case(territory.staff["admin"], case_id)[0].details["attachments"][0]["sha256"]
    for path in (f"/console/attachments/{digest}", f"/console/attachments/{digest}/thumbnail"):
        assert signed_in(app, territory, "dispatcher").get(path).status_code == 200  # the town's dispatcher reads it
        refused = signed_in(app, territory, "other_dispatcher").get(path)  # another town's does not
        assert refused.status_code == 404 and "找不到该记录。" in refused.get_data(as_text=True)
        assert refused.mimetype == "text/html"
        signed_out = app.test_client().get(path)
        assert signed_out.status_code == 302 and "/console/sign-in" in signed_out.headers["Location"]
    unknown = signed_in(app, territory, "worker").get(f"/console/attachments/{'0' * 64}/thumbnail")
    assert unknown.status_code == 404


def test_a_bad_file_is_refused_in_chinese_and_nothing_is_written(
    app: Flask, territory: Territory, ledger: GridLedger, cases: CaseCommands
) -> None:
    worker = signed_in(app, territory, "worker")
    not_a_photo = post_report(worker, fields(territory, report_form(worker)), b"GIF89a" + b"\0" * 100, "现场.jpg")
    assert not_a_photo.status_code == 415
    html = not_a_photo.get_data(as_text=True)
    assert "照片只能是 JPEG、PNG、HEIC、WebP 图片或 PDF 文件。" in html and 'value="排水沟堵塞"' in html
    too_big = post_report(worker, fields(territory, report_form(worker)), photo() + b"\0" * MAX_SIZE)
    assert too_big.status_code == 413
    assert "照片超过 10 MB" in too_big.get_data(as_text=True) and 'value="排水沟堵塞"' in too_big.get_data(as_text=True)
    # Far over the limit: refused before the form is read, and drawn again empty with the same message.
    far_too_big = post_report(worker, fields(territory, report_form(worker)), b"\xff\xd8\xff" + b"\0" * 2 * MAX_SIZE)
    assert far_too_big.status_code == 413 and "照片超过 10 MB" in far_too_big.get_data(as_text=True)
    assert stored_files(ledger) == []
    after = ledger.read_case(territory.staff["admin"], report(cases, territory))[1]
    assert cases_in_grid(app, territory, after) == 1  # the one reported here: none of the refused forms


def test_a_report_form_posted_twice_makes_one_case(
    app: Flask, territory: Territory, ledger: GridLedger, cases: CaseCommands
) -> None:
    worker = signed_in(app, territory, "worker")
    values, picture = fields(territory, report_form(worker)), photo()
    first, second = post_report(worker, values, picture), post_report(worker, values, picture)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]  # the second lands on the first one's case
    after = ledger.read_case(territory.staff["admin"], first.headers["Location"].rsplit("/")[-1])[1]
    assert cases_in_grid(app, territory, after) == 1
    # The same form sent again with other answers: refused in Chinese, nothing written.
    changed = post_report(worker, {**values, "title": "另一件事"}, picture)
    assert changed.status_code == 422 and "此表单已提交过" in changed.get_data(as_text=True)
    assert cases_in_grid(app, territory, after) == 1


def test_an_action_posted_twice_is_carried_out_once(
    app: Flask, territory: Territory, ledger: GridLedger, cases: CaseCommands
) -> None:
    case_id = report(cases, territory)
    dispatcher = signed_in(app, territory, "dispatcher")
    page = page_of(dispatcher, case_id)
    key = FORM_KEY.search(page.split(f'action="/console/cases/{case_id}/accept"', 1)[1]).group(1)
    first = act(dispatcher, case_id, "accept", page, note="属实", form_key=key)
    second = act(
        dispatcher, case_id, "accept", page, note="属实", form_key=key
    )  # the same version: stale, but a replay
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"/console/cases/{case_id}"
    history = ledger.case_history(territory.staff["admin"], case_id)[1]
    assert [entry.type for entry in history].count("Accepted") == 1


def test_a_note_with_a_pdf_and_a_resolution_with_a_photo_show_in_the_timeline(
    app: Flask, territory: Territory, ledger: GridLedger, cases: CaseCommands
) -> None:
    case_id = report(cases, territory)
    dispatcher, chengguan = territory.staff["dispatcher"], territory.staff["chengguan"]
    cases.accept(dispatcher, case_id)
    cases.dispatch(dispatcher, case_id, lead_department=territory.department("chengguan"), co_departments=[])
    cases.claim(chengguan, case_id)
    clerk = signed_in(app, territory, "chengguan")
    pdf = b"%PDF-1.4\n% " + os.urandom(16).hex().encode() + b"\n%%EOF\n"
    path = f"/console/cases/{case_id}/note"
    noted = post_form(clerk, path, {**action_form(clerk, case_id, "note"), "text": "已联系施工方"}, pdf, "方案.pdf")
    assert noted.status_code == 302, noted.get_data(as_text=True)
    path = f"/console/cases/{case_id}/resolve"
    resolved = post_form(clerk, path, {**action_form(clerk, case_id, "resolve"), "result": "已修复"}, photo())
    assert resolved.status_code == 302, resolved.get_data(as_text=True)

    events = ledger.case_history(territory.staff["admin"], case_id)[1]
    [pdf_digest] = [
        item["sha256"] for entry in events if entry.type == "NoteAdded" for item in entry.data["attachments"]
    ]
    [photo_digest] = [
        item["sha256"] for entry in events if entry.type == "Resolved" for item in entry.data["attachments"]
    ]
    timeline = page_of(clerk, case_id).split('class="timeline"', 1)[1]
    assert f'<a href="/console/attachments/{pdf_digest}">方案.pdf（PDF）</a>' in timeline
    assert f'src="/console/attachments/{photo_digest}/thumbnail"' in timeline
    served = clerk.get(f"/console/attachments/{pdf_digest}")
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served.data == pdf
    assert served.headers["Content-Disposition"].startswith("attachment")  # a PDF is downloaded, never shown inline
    assert clerk.get(f"/console/attachments/{pdf_digest}/thumbnail").status_code == 404


def test_an_action_with_a_file_far_too_big_is_refused_on_the_case_page(
    app: Flask, territory: Territory, ledger: GridLedger, cases: CaseCommands
) -> None:
    case_id = report(cases, territory)
    worker = signed_in(app, territory, "worker")  # a grid worker may resolve on the spot (就地办结)
    values = {**action_form(worker, case_id, "resolve"), "result": "已清理"}
    version = ledger.read_case(territory.staff["admin"], case_id)[0].version
    path = f"/console/cases/{case_id}/resolve"
    for data in (photo() + b"\0" * MAX_SIZE, b"\xff\xd8\xff" + b"\0" * 2 * MAX_SIZE):
        refused = post_form(worker, path, values, data)
        assert refused.status_code == 413 and "照片超过 10 MB" in refused.get_data(as_text=True)
    assert ledger.read_case(territory.staff["admin"], case_id)[0].version == version
    assert stored_files(ledger) == []
