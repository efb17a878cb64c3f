"""The blob store (content-addressed, atomic, once), the magic-byte sniffing and where the blobs go by default."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from application.attachment_content import sniff
from application.blob_store import BlobStore
from application.errors import UnsupportedContent
from application.settings import Settings


def test_a_blob_is_kept_under_its_hash_once_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    digest = store.put(b"photo bytes")
    assert digest == hashlib.sha256(b"photo bytes").hexdigest()
    assert store.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    modified = store.path(digest).stat().st_mtime_ns
    assert store.put(b"photo bytes") == digest
    assert store.path(digest).stat().st_mtime_ns == modified  # not written again
    files = [path for path in (tmp_path / "blobs").rglob("*") if path.is_file()]
    assert files == [store.path(digest)] and store.path(digest).read_bytes() == b"photo bytes"


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heic"),  # HEIC as a compatible brand
    ],
)
def test_the_first_bytes_tell_the_type(head: bytes, content_type: str) -> None:
    assert sniff(head + b"\x00" * 32) == content_type


@pytest.mark.parametrize(
    "head",
    [
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",  # AVIF: an ISO media file, but not HEIC
        b"GIF89a",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"PK\x03\x04",  # a zip (docx, xlsx, apk)
        b"",
    ],
)
def test_other_content_is_refused(head: bytes) -> None:
    with pytest.raises(UnsupportedContent):
        sniff(head)


def test_blobs_go_beside_the_sqlite_file_unless_configured(tmp_path: Path) -> None:
    assert Settings(database_url=f"sqlite:///{tmp_path}/gl.db").blob_directory() == tmp_path / "gridledger-blobs"
    assert Settings(database_url="sqlite:///gridledger.db").blob_directory() == Path("gridledger-blobs")
    assert Settings(database_url="postgresql+psycopg2://u@h/db").blob_directory() == Path("gridledger-blobs")
    assert Settings(blob_dir="/srv/blobs").blob_directory() == Path("/srv/blobs")
    assert Settings.from_env({"GRIDLEDGER_BLOB_DIR": "/srv/b"}).blob_directory() == Path("/srv/b")
