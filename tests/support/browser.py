"""Headless Debian Chromium for tests that must see a page as a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PACKAGES = ["chromium", "fonts-noto-cjk"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def ensure_chromium() -> str:
    """Chromium and a CJK font, installed from Debian when missing (as root); otherwise a clear failure."""
    if shutil.which("chromium") is None or not _has_cjk_font():
        if os.geteuid() != 0:
            raise RuntimeError(f"install the Debian packages {' '.join(PACKAGES)} to run the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env, capture_output=True)
    path = shutil.which("chromium")
    if path is None or not _has_cjk_font():
        raise RuntimeError("chromium or a CJK font is still missing after installing them")
    return path


def _has_cjk_font() -> bool:
    result = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True)
    return result.returncode == 0 and bool(result.stdout.strip())


def screenshot(chromium: str, html: str, png: Path, *, width: int = 1600, height: int = 1130) -> bytes:
    """Render ``html`` (a full document) and save a PNG of it; returns the PNG's bytes."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "page.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={scratch}/profile",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return png.read_bytes()


def rendered_dom(chromium: str, html: str) -> str:
    """The DOM after Chromium has parsed and laid out the page."""
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "page.html"
        page.write_text(html, encoding="utf-8")
        result = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={scratch}/profile", "--dump-dom", page.as_uri()],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return result.stdout
