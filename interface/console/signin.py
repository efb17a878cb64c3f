"""Signing in to the console: a staff token, or a one-time code from ``gridledger staff login-link``, buys a
signed, expiring session cookie (the same session either way).

The cookie holds only the staff member's id; every request looks the account up again, so a revoked
account's session ends on its very next request, in every process. Every form carries a CSRF token
(Flask-WTF), checked on every state-changing request of the console (the API, with bearer tokens, has none).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, Request, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from application.errors import NotFound
from application.staff import StaffMember
from interface.auth_throttle import FailureThrottle
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX

SESSION_LIFETIME = timedelta(hours=8)
CODE_REFUSED = "登录链接无效、已使用或已过期，请向管理员重新索取，或使用访问令牌登录。"
csrf = CSRFProtect()
blueprint = Blueprint("console_signin", __name__, url_prefix=CONSOLE_PREFIX)


class ConsoleSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or _is_https(request)


def _is_https(incoming: Request) -> bool:
    return incoming.is_secure


def install(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):  # Flask's default is None: given by the caller (tests) or made here
        app.config["SECRET_KEY"] = os.environ.get("GRIDLEDGER_SECRET_KEY") or _installation_key(app)
    app.config.update(
        SESSION_COOKIE_NAME="gridledger_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the console's own blueprints only
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires
    )
    app.session_interface = ConsoleSessions()
    csrf.init_app(app)
    app.register_blueprint(blueprint)


def _installation_key(app: Flask) -> str:
    """A key made once per installation and kept in ``GRIDLEDGER_SECRET_KEY_FILE`` (default: the Flask instance
    folder), readable by its owner only; every worker process reads the same one."""
    path = Path(os.environ.get("GRIDLEDGER_SECRET_KEY_FILE") or Path(app.instance_path) / "console-secret-key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a worker starting at the same moment either
        # finds no file or the whole key, and only the first link wins.
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def protect() -> Response | None:
    """``before_request`` of every console blueprint: CSRF on every POST, then who is signed in."""
    if request.method == "POST":
        csrf.protect()
    staff = signed_in_staff()
    if staff is None:
        return redirect(url_for("console_signin.form", next=request.full_path.rstrip("?")))
    g.staff = staff
    return None


def signed_in_staff() -> StaffMember | None:
    """The account of this session, looked up now: None when nobody signed in, or the account was revoked."""
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    try:
        staff = services().directory.get_staff(staff_id)
    except NotFound:
        staff = None
    if staff is None or not staff.active:
        session.clear()
        return None
    return staff


@blueprint.get("/sign-in")
def form() -> str | tuple[str, int]:
    """The sign-in page; with ``?code=`` (a one-time link) a page that asks to confirm, so that a link
    preview fetching the URL does not use the code up."""
    code = request.args.get("code", "").strip()
    if code and not services().ledger.staff_accounts.sign_in_code_usable(code):
        return _refused(CODE_REFUSED, 401)
    return render_template("console/signin.html", next=_safe_next(), error=None, code=code)


@blueprint.post("/sign-in")
def sign_in() -> Response | tuple[str, int]:
    """With a token, or with a one-time code (used up here, whoever else holds the link)."""
    csrf.protect()
    code = request.form.get("code", "").strip()
    secret, address = code or request.form.get("token", "").strip(), request.remote_addr or "-"
    throttle: FailureThrottle = current_app.extensions["gridledger.auth_throttle"]
    if throttle.wait_needed(address, secret):
        return _refused("尝试次数过多，请稍后再试。", 429)
    staff = _staff_of(secret, code=bool(code)) if secret else None
    if staff is None:
        throttle.failed(address, secret)
        return _refused(CODE_REFUSED if code else "令牌无效或账号已停用。", 401)
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    session.permanent = True
    session["staff_id"] = staff.id
    return redirect(_safe_next())


def _staff_of(secret: str, *, code: bool) -> StaffMember | None:
    if code:
        return services().ledger.staff_accounts.redeem_sign_in_code(secret)
    return services().directory.staff_by_token(secret)


@blueprint.post("/sign-out")
def sign_out() -> Response:
    csrf.protect()
    session.clear()
    return redirect(url_for("console_signin.form"))


def _refused(message: str, status: int) -> tuple[str, int]:
    return render_template("console/signin.html", next=_safe_next(), error=message, code=""), status


def _safe_next() -> str:
    """Where to go after signing in: a console path on this site only (never another site)."""
    target = request.values.get("next", "")
    if target.startswith(CONSOLE_PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console.home")
