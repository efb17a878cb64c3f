"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask
from werkzeug.routing import BaseConverter

from application.case_commands import CaseCommands
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from application.patrol_commands import PatrolCommands
from application.personal_data_commands import PersonalDataCommands
from application.settings import Settings
from interface import console, security_headers
from interface.auth import authenticate
from interface.auth_throttle import FailureThrottle
from interface.context import Services
from interface.endpoint import API_PREFIX
from interface.problems import register_problem_handlers
from interface.views import (
    attachments,
    audit_head,
    calendar,
    cases,
    health,
    households,
    meetings,
    openapi,
    patrols,
    people,
    read_models,
    reference,
    staff,
    statistics,
    time_limits,
)
from projections.registry import Projections


class PathSegment(BaseConverter):
    """Werkzeug's default path segment, minus NUL and control characters: such an id is unknown (404)
    rather than a lookup PostgreSQL refuses with an error."""

    regex = r"[^/\x00-\x1f]+"


def create_app(
    config: Mapping[str, Any] | None = None, ledger: GridLedger | None = None, projections: Projections | None = None
) -> Flask:
    """Build the app; ``ledger`` defaults to one configured from the environment.

    With ``GRIDLEDGER_PROJECTIONS_IN_PROCESS`` (default: on for SQLite, off for PostgreSQL, where
    ``gridledger projections run`` is the worker) the read models are kept up to date by a thread here.
    """
    app = Flask(__name__)
    app.url_map.converters["default"] = PathSegment
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=1024 * 1024)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    ledger = ledger or GridLedger(Settings.from_env())
    app.config.setdefault("GRIDLEDGER_TIMEZONE", ledger.settings.timezone)
    projections = projections or Projections(ledger)
    if app.config.get("GRIDLEDGER_PROJECTIONS_IN_PROCESS", ledger.settings.projections_in_process):
        projections.start()
    app.extensions["gridledger"] = Services(
        ledger=ledger,
        cases=CaseCommands(ledger),
        meetings=MeetingCommands(ledger),
        projections=projections,
        households=HouseholdCommands(ledger),
        patrols=PatrolCommands(ledger),
        people=PersonalDataCommands(ledger),
        min_position_wait=ledger.settings.min_position_wait,
    )
    app.extensions["gridledger.auth_throttle"] = FailureThrottle(
        per_address=ledger.settings.auth_failures_per_address,
        per_prefix=ledger.settings.auth_failures_per_token_prefix,
    )
    security_headers.install(app)

    api = Blueprint("api", __name__, url_prefix=API_PREFIX)
    api.before_request(authenticate)
    for child in (
        reference.blueprint,
        staff.blueprint,
        read_models.blueprint,
        cases.blueprint,
        meetings.blueprint,
        households.blueprint,
        patrols.blueprint,
        openapi.blueprint,
        audit_head.blueprint,
        calendar.blueprint,
        time_limits.blueprint,
        statistics.blueprint,
        people.blueprint,
        attachments.blueprint,
    ):
        api.register_blueprint(child)
    app.register_blueprint(api)
    app.register_blueprint(health.blueprint)
    console.install(app)
    register_problem_handlers(app)
    return app
