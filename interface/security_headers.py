"""Headers on every answer: no sniffing, no referrer, no framing, nothing cached (answers carry personal data),
and a Content-Security-Policy without ``unsafe-inline`` — a page's stylesheet and script (the report form's
locate.js, the only one) carry a per-answer nonce."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """The nonce of this answer's style block (templates call it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cache-Control", "no-store")
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = PAGE_POLICY.format(nonce=csp_nonce())
    else:
        headers.setdefault("Content-Security-Policy", JSON_POLICY)
    return response


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
