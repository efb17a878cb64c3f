"""Attachments (顺手拍): an upload is judged by its bytes, kept once by their SHA-256 without the photo's EXIF, and
served only to readers of a case that references it (or its uploader, until one does) -- 404 to everyone else."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from werkzeug.test import TestResponse

from tests.support.api import Api
from tests.support.responses import assert_ok, assert_problem

GPS = 0x8825  # the EXIF GPS IFD
CAMERA_MAKE, CAMERA_MODEL = 0x010F, 0x0110
BOUNDARY = "gridledger-test-boundary"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def photo(fmt: str = "JPEG", size: tuple[int, int] = (800, 600)) -> bytes:
    """A photo as a phone takes it: with the camera and where it was taken in its EXIF."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[CAMERA_MAKE], exif[CAMERA_MODEL] = "Apple", "iPhone 15"
    exif[GPS] = {1: "N", 2: (29.0, 15.0, 0.0), 3: "E", 4: (117.0, 51.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def upload(
    api: Api, who: str, data: bytes, filename: str = "现场.jpg", content_type: str = "image/jpeg"
) -> TestResponse:
    """A multipart/form-data body made here in memory (the test client's own spills large ones to a file it
    leaves open)."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    return api.client.post(
        "/api/v1/attachments",
        data=head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode(),
        headers=api.territory.auth(who),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def stored_path(app: Flask, sha256: str) -> Path:
    return app.extensions["gridledger"].ledger.attachments.store.path(sha256)


def reference(body: dict[str, Any]) -> dict[str, str]:
    return {key: body[key] for key in ("sha256", "filename", "content_type")}


def test_a_photo_is_kept_without_its_location_or_camera(app: Flask, api: Api) -> None:
    original = photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the test's photo does carry a location
    body = assert_ok(upload(api, "worker", original), 201)
    assert body["content_type"] == "image/jpeg" and body["filename"] == "现场.jpg"
    kept = stored_path(app, body["sha256"]).read_bytes()
    assert hashlib.sha256(kept).hexdigest() == body["sha256"] and len(kept) == body["size"]
    image = Image.open(io.BytesIO(kept))
    exif = image.getexif()
    assert not exif.get_ifd(GPS) and CAMERA_MAKE not in exif and CAMERA_MODEL not in exif
    assert image.size == (800, 600)


def test_a_photo_is_turned_upright_before_its_orientation_goes(app: Flask, api: Api) -> None:
    image, exif, out = Image.new("RGB", (400, 200), (0, 0, 0)), Image.Exif(), io.BytesIO()
    exif[0x0112] = 6  # taken with the phone on its side: to be shown turned 90°
    image.save(out, format="JPEG", exif=exif)
    body = assert_ok(upload(api, "worker", out.getvalue()), 201)
    kept = Image.open(io.BytesIO(stored_path(app, body["sha256"]).read_bytes()))
    assert kept.size == (200, 400) and 0x0112 not in kept.getexif()


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (photo("PNG"), "现场.png", "image/png"),
        (photo("WEBP"), "现场.webp", "image/webp"),
        (PDF_BYTES, "整改通知.pdf", "application/pdf"),
        (PDF_BYTES, "伪装.jpg", "application/pdf"),  # the name and declared type say JPEG; the bytes say PDF
    ],
)
def test_the_content_decides_the_type(app: Flask, api: Api, data: bytes, filename: str, content_type: str) -> None:
    body = assert_ok(upload(api, "worker", data, filename), 201)
    assert (body["content_type"], body["filename"]) == (content_type, filename)
    kept = stored_path(app, body["sha256"]).read_bytes()
    if content_type == "application/pdf":
        assert kept == data
    else:
        exif = Image.open(io.BytesIO(kept)).getexif()
        assert not exif.get_ifd(GPS) and CAMERA_MODEL not in exif


def test_a_heic_photo_is_kept_as_jpeg_without_its_location(app: Flask, api: Api) -> None:
    """Through pillow-heif; kept as JPEG (see application/attachment_content.py for why)."""
    image, exif, out = Image.new("RGB", (64, 48), (200, 10, 10)), Image.Exif(), io.BytesIO()
    exif[GPS] = {1: "N", 2: (29.0, 15.0, 0.0)}
    image.save(out, format="HEIF", exif=exif.tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS)
    body = assert_ok(upload(api, "worker", out.getvalue(), "IMG_0001.HEIC", "image/heic"), 201)
    assert (body["content_type"], body["filename"]) == ("image/jpeg", "IMG_0001.jpg")
    kept = Image.open(io.BytesIO(stored_path(app, body["sha256"]).read_bytes()))
    assert kept.format == "JPEG" and kept.size == (64, 48) and not kept.getexif().get_ifd(GPS)


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100,  # a Windows executable
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
        b"",
    ],
)
def test_other_content_disguised_as_a_png_is_refused_and_not_kept(app: Flask, api: Api, data: bytes) -> None:
    assert_problem(upload(api, "worker", data, "photo.png", "image/png"), 415)
    assert not any(p.is_file() for p in app.extensions["gridledger"].ledger.attachments.store.directory.rglob("*"))


def test_a_damaged_image_is_refused(api: Api) -> None:
    assert_problem(upload(api, "worker", photo()[:200]), 422)


def test_a_file_over_10_mb_is_a_413(api: Api) -> None:
    too_large = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    assert_problem(upload(api, "worker", too_large, "big.pdf"), 413)
    exactly = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 9)
    assert assert_ok(upload(api, "worker", exactly, "limit.pdf"), 201)["size"] == 10 * 1024 * 1024


def test_a_chunked_upload_over_10_mb_is_a_413(api: Api) -> None:
    """As a server hands a chunked body to the app: a stream that ends, and no Content-Length."""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'.encode()
    raw = head + b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + f"\r\n--{BOUNDARY}--\r\n".encode()
    response = api.client.post(
        "/api/v1/attachments",
        input_stream=io.BytesIO(raw),
        environ_overrides={"wsgi.input_terminated": True},
        headers={
            **api.territory.auth("worker"),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Transfer-Encoding": "chunked",
        },
    )
    assert_problem(response, 413)


def test_a_body_that_is_no_multipart_form_or_has_no_file_is_refused(api: Api) -> None:
    assert_problem(api.post("worker", "/attachments", {"file": "x"}), 415)
    response = api.client.post(
        "/api/v1/attachments",
        data={"other": "x"},
        headers=api.territory.auth("worker"),
        content_type="multipart/form-data",
    )
    assert set(assert_problem(response, 422)["errors"]) == {"file", "other"}


def test_the_same_file_twice_is_kept_once(app: Flask, api: Api) -> None:
    data = photo()
    first = assert_ok(upload(api, "worker", data), 201)
    second = assert_ok(upload(api, "dispatcher", data, "again.jpg"), 201)
    assert first["sha256"] == second["sha256"] and second["filename"] == "again.jpg"
    directory = app.extensions["gridledger"].ledger.attachments.store.directory
    assert [p.name for p in directory.rglob("*") if p.is_file()] == [first["sha256"]]


def test_only_those_who_report_or_note_cases_upload(api: Api) -> None:
    for who in ("leader", "auditor", "secretary"):
        assert_problem(upload(api, who, photo()), 403)
    for who in ("worker", "dispatcher", "chengguan", "intake", "admin"):
        assert_ok(upload(api, who, photo()), 201)


def test_the_uploader_reads_it_until_a_case_references_it_then_the_case_readers_do(app: Flask, api: Api) -> None:
    body = assert_ok(upload(api, "worker", photo()), 201)
    path = f"/attachments/{body['sha256']}"
    served = api.get("worker", path)
    assert served.status_code == 200 and served.data == stored_path(app, body["sha256"]).read_bytes()
    assert served.mimetype == "image/jpeg" and served.headers["X-Content-Type-Options"] == "nosniff"
    disposition = served.headers["Content-Disposition"]
    assert disposition == "inline; filename=attachment.jpg; filename*=UTF-8''%E7%8E%B0%E5%9C%BA.jpg"
    assert "private" in served.headers["Cache-Control"]
    for who in ("dispatcher", "chengguan", "admin"):  # not referenced yet: only its uploader
        assert_problem(api.get(who, path), 404)

    case = api.report("worker", attachments=[reference(body)])
    assert case["attachments"] == [reference(body)]
    for who in ("worker", "dispatcher", "admin", "auditor", "leader"):  # everyone who reads the case
        assert api.get(who, path).status_code == 200
    for who in ("other_worker", "other_dispatcher", "chengguan", "intake"):  # a department not on the case...
        assert_problem(api.get(who, path), 404)
    assert_problem(api.get("worker", f"/attachments/{'0' * 64}"), 404)

    # Dispatched to 城管, the department reads it; 住建 still does not.
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": api.territory.department("chengguan")})
    assert api.get("chengguan", path).status_code == 200
    assert_problem(api.get("zhujian", path), 404)


def test_a_note_or_resolution_references_what_it_names(app: Flask, api: Api) -> None:
    case = api.report("worker", track="instant")
    pdf = assert_ok(upload(api, "worker", PDF_BYTES, "验收单.pdf"), 201)
    api.command("worker", case["id"], "resolve", {"result": "已清理", "attachments": [reference(pdf)]})
    served = api.get("dispatcher", f"/attachments/{pdf['sha256']}")
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served.data == PDF_BYTES
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert_problem(api.get("other_dispatcher", f"/attachments/{pdf['sha256']}"), 404)


def test_a_case_cannot_name_a_file_nobody_uploaded(api: Api) -> None:
    missing = {"sha256": "ab" * 32, "filename": "a.jpg", "content_type": "image/jpeg"}
    before = api.report("worker")["case_no"]
    problem = assert_problem(api.post("worker", "/cases", api.case_body(attachments=[missing])), 422)
    assert "attachments" in problem["errors"]
    assert int(api.report("worker")["case_no"][-5:]) == int(before[-5:]) + 1  # nothing written, no number spent


def test_an_image_has_a_thumbnail_made_once_a_pdf_none(app: Flask, api: Api) -> None:
    body = assert_ok(upload(api, "worker", photo(size=(1600, 1200))), 201)
    first = api.get("worker", f"/attachments/{body['sha256']}/thumbnail")
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(first.data)).size == (320, 240)
    store = app.extensions["gridledger"].ledger.attachments.store
    made = store.derived_path(body["sha256"], "thumb320.jpg")
    made_at = made.stat().st_mtime_ns
    assert api.get("worker", f"/attachments/{body['sha256']}/thumbnail").data == first.data
    assert made.stat().st_mtime_ns == made_at  # kept, not made again
    assert_problem(api.get("dispatcher", f"/attachments/{body['sha256']}/thumbnail"), 404)
    pdf = assert_ok(upload(api, "worker", PDF_BYTES, "a.pdf"), 201)
    assert_problem(api.get("worker", f"/attachments/{pdf['sha256']}/thumbnail"), 404)
