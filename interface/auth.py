"""Bearer-token authentication: every API request names a staff member."""

from __future__ import annotations

from flask import current_app, g, request

from application.directory import Directory
from application.staff import StaffMember
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
    directory: Directory = current_app.extensions["gridledger"].directory
    staff = directory.staff_by_token(token.strip())
    if staff is None:
        raise _unauthorised("The token is not valid.")
    g.staff = staff


def current_staff() -> StaffMember:
    return g.staff


def _unauthorised(detail: str) -> Problem:
    return Problem(
        401, "Unauthorised", detail, kind="unauthorised", headers={"WWW-Authenticate": 'Bearer realm="gridledger"'}
    )
