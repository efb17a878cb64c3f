"""Reading a console page in tests: the CSRF token of its forms, the text a person sees."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/console/sign-in") -> str:
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def sign_in(client: FlaskClient, token: str) -> None:
    answer = client.post("/console/sign-in", data={"token": token, "csrf_token": csrf_token(client)})
    assert answer.status_code == 302, answer.get_data(as_text=True)
