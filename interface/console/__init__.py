"""The web console (工作台): server-rendered pages for the people who work the cases, under ``/console``.

It uses the same application layer and read models as the API (``application/``, ``projections/``) and
keeps no rule of its own: what a person may do comes from the case policy and the case's lifecycle.
"""

from __future__ import annotations

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from interface.console import (
    audit,
    form_keys,
    households,
    meetings,
    pages,
    patrols,
    photos,
    report,
    signin,
    statistics,
)


def install(app: Flask) -> None:
    signin.install(app)
    form_keys.install(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(report.blueprint)
    photos.install(app)
    app.register_blueprint(audit.blueprint)
    app.register_blueprint(meetings.blueprint)
    app.register_blueprint(statistics.blueprint)
    app.register_blueprint(households.blueprint)
    app.register_blueprint(patrols.blueprint)

    @app.get("/")
    def root() -> Response:
        return redirect(url_for("console.home"))
