"""Bearer-token authentication: every API request names a staff member."""

from __future__ import annotations

import math

from flask import current_app, g, request

from application.ledger import GridLedger
from application.staff import StaffMember
from interface.auth_throttle import FailureThrottle
from interface.problems import Problem

PUBLIC_ENDPOINTS = {"api.openapi.document"}


def authenticate() -> None:
    """``before_request`` hook of the API blueprint: sets ``g.staff`` or answers 401."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("Send 'Authorization: Bearer <token>'.")
    token, address = token.strip(), request.remote_addr or "-"
    throttle: FailureThrottle = current_app.extensions["gridledger.auth_throttle"]
    if wait := throttle.wait_needed(address, token):
        raise _too_many_failures(wait)
    ledger: GridLedger = current_app.extensions["gridledger"].ledger
    staff = ledger.security.staff_by_token(token)  # one read; people erased elsewhere are forgotten too
    if staff is None:
        throttle.failed(address, token)
        raise _unauthorised("The token is not valid.")
    g.staff = staff


def current_staff() -> StaffMember:
    return g.staff


def _too_many_failures(wait: float) -> Problem:
    return Problem(
        429,
        "Too many failed attempts",
        "Too many requests with tokens that are not valid; wait before trying again.",
        kind="too-many-failed-authentications",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


def _unauthorised(detail: str) -> Problem:
    return Problem(
        401, "Unauthorised", detail, kind="unauthorised", headers={"WWW-Authenticate": 'Bearer realm="gridledger"'}
    )
