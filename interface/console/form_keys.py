"""Double submit: every console form carries a key drawn with the page, and its command runs under that key as
the API's ``Idempotency-Key`` (``application/idempotency.py``). A form posted twice -- a double click, the browser
sending it again -- is carried out once; the second post gets the first one's result and lands on the same page.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, request

from application.idempotency import IdempotencyKey

FIELD = "form_key"
PREFIX = "console:"  # apart from the keys API clients choose for the same account
LONGEST = 64


def new_form_key() -> str:
    """A fresh key for one drawing of one form (templates call it)."""
    return secrets.token_urlsafe(16)


def posted_key(command: str, target: str | None, body: Any) -> IdempotencyKey | None:
    """The posted form's key for ``command`` on ``target`` with ``body``; None for a form without one (posted by
    no page of the console: it is carried out, unguarded, like an API request without the header)."""
    key = request.form.get(FIELD, "").strip()
    if not 1 <= len(key) <= LONGEST:
        return None
    return IdempotencyKey.for_request(PREFIX + key, command, target, body)


def install(app: Flask) -> None:
    app.jinja_env.globals["form_key"] = new_form_key
