"""Photos (顺手拍) served in the console: a kept file and its thumbnail, to a signed-in person who may read them.

Who may read a file is the application's rule (``Attachments.read``: a reader of a case that references it, or
its uploader until one does), asked through the same calls as the API's ``GET /attachments/{sha256}``; everyone
else gets the same 404 as for a file that does not exist. Taking a photo with a form: ``photo_forms``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, g, render_template
from werkzeug.wrappers import Response

from application.errors import NotFound
from interface.console import photo_forms, signin
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.endpoint import CONSOLE_PREFIX
from interface.views.attachments import file_answer, thumbnail_answer

blueprint = Blueprint("console_attachments", __name__, url_prefix=CONSOLE_PREFIX)
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)


def install(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.before_request(photo_forms.allow_photo)  # the app's own run before any blueprint's: before the CSRF check


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
