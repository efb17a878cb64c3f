"""A photo taken with a console form (上报, and a case action whose body has ``attachments``): kept by the same
application call as ``POST /api/v1/attachments`` -- content judged by its bytes, EXIF stripped -- and named in
the command's ``attachments``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from application.attachments import MAX_SIZE
from application.staff import StaffMember
from interface.console import signin
from interface.console.messages import chinese_problem
from interface.context import services
from interface.requests import MULTIPART_ALLOWANCE
from interface.views.attachments import clean_name

FIELD = "photo"
# The forms that may carry a photo, by endpoint.
PHOTO_FORMS = {"console_report.submit", "console.act"}


def allow_photo() -> None:
    """``before_request`` of the app (run before any blueprint's, so before the CSRF check reads the form): a form
    that takes a photo may carry a file of ``MAX_SIZE`` beside its fields (every other body: the app's 1 MB)."""
    if request.method == "POST" and request.endpoint in PHOTO_FORMS:
        request.max_content_length = MAX_SIZE + MULTIPART_ALLOWANCE


def posted_photo(staff: StaffMember) -> dict[str, Any] | None:
    """The photo chosen in the form, kept by the application's own upload and named as a command's
    ``attachments`` name it; None when none was chosen. ``RequestEntityTooLarge`` over 10 MB and
    ``UnsupportedContent`` for a file of no accepted kind: nothing is kept then."""
    sent = request.files.get(FIELD)
    if sent is None or not sent.filename:  # a browser sends an empty part when no file was chosen
        return None
    data = sent.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise RequestEntityTooLarge(f"The file is larger than {MAX_SIZE} bytes.")
    stored = services().ledger.attachments.upload(staff, clean_name(sent.filename), data)
    return {key: stored[key] for key in ("sha256", "filename", "content_type")}


def refused_as_too_large(
    error: RequestEntityTooLarge, draw: Callable[[tuple[int, str, str] | None], Any]
) -> Response | tuple[str, int]:
    """A body over the limit is refused before its form is read (so before the CSRF check, and before anyone is
    known to be signed in): nothing is written; ``draw`` draws the page again saying why."""
    if "staff" not in g:
        staff = signin.signed_in_staff()
        if staff is None:
            return redirect(url_for("console_signin.form"))
        g.staff = staff
    return draw(chinese_problem(error))
