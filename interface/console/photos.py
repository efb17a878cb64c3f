"""Photos (顺手拍) in the console: a photo taken with a form, kept as ``POST /api/v1/attachments`` keeps one, and
the kept files (and their thumbnails) served to a signed-in person who may read them.

Who may read a file is the application's rule (``Attachments.read``: a reader of a case that references it, or
its uploader until one does), asked here through the same call as the API's ``GET /attachments/{sha256}``;
everyone else gets the same 404 as for a file that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from application.attachments import MAX_SIZE
from application.errors import NotFound
from application.staff import StaffMember
from interface.console import signin
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.requests import MULTIPART_ALLOWANCE
from interface.views.attachments import clean_name, file_answer, thumbnail_answer

blueprint = Blueprint("console_attachments", __name__, url_prefix=CONSOLE_PREFIX)
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
FIELD = "photo"


@blueprint.get("/attachments/<sha256>")
def attachment(sha256: str) -> Response | tuple[str, int]:
    try:
        return file_answer(g.staff, sha256)
    except NotFound as error:
        return _not_found(error)


@blueprint.get("/attachments/<sha256>/thumbnail")
def thumbnail(sha256: str) -> Response | tuple[str, int]:
    try:
        return thumbnail_answer(g.staff, sha256)
    except NotFound as error:
        return _not_found(error)


def _not_found(error: NotFound) -> tuple[str, int]:
    status, message, _ = chinese_problem(error) or (404, "", "")
    return render_template("console/refused.html", message=message), status


def allow_photo() -> None:
    """``before_request`` of a blueprint whose forms take a photo, placed before ``signin.protect`` (whose CSRF
    check reads the form): the body may carry a file of ``MAX_SIZE`` beside the form's fields."""
    if request.method == "POST":
        request.max_content_length = MAX_SIZE + MULTIPART_ALLOWANCE


def posted_photo(staff: StaffMember) -> dict[str, Any] | None:
    """The photo chosen in the form, kept by the application's own upload (content checked, EXIF gone) and named
    as a command's ``attachments`` name it; None when none was chosen. ``RequestEntityTooLarge`` over 10 MB and
    ``UnsupportedContent`` for a file of no accepted kind: nothing is kept then."""
    sent = request.files.get(FIELD)
    if sent is None or not sent.filename:  # a browser sends an empty part when no file was chosen
        return None
    data = sent.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise RequestEntityTooLarge(f"The file is larger than {MAX_SIZE} bytes.")
    stored = services().ledger.attachments.upload(staff, clean_name(sent.filename), data)
    return {key: stored[key] for key in ("sha256", "filename", "content_type")}
