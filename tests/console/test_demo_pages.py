"""The README's first command as a user meets it: the demo loaded by the console script on a fresh SQLite file,
``/`` leads to the sign-in page, every demo token signs in, and every console page each of them can reach from
their menu — and the pages those link to (cases, meetings, households, patrols, drill-downs) — answers without a
server error."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from interface.app import create_app
from interface.cli import main
from tests.console.pages import sign_in

TOKEN_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+(glt_\S+)$", re.M)
LINK = re.compile(r'href="(/console/[^"#]*)"')
PAGES_OF_A_KIND = 8  # per person, of each kind (/console/cases/…, /console/households/…): the walk goes wide
NOT_FOLLOWED = ("/console/sign-out", "/console/attachments/")  # signing out ends the walk; files are not pages


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, dict[str, str]]]:
    monkeypatch.setenv("GRIDLEDGER_DATABASE_URL", f"sqlite:///{tmp_path}/gridledger.db")
    loaded = CliRunner().invoke(main, ["demo"])
    assert loaded.exit_code == 0, loaded.output
    tokens = {f"{role} {name}": token for role, name, token in TOKEN_LINE.findall(loaded.output)}
    assert len(tokens) == 12, loaded.output
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False})
    app.extensions["gridledger"].projections.engine.catch_up()
    yield app, tokens
    app.extensions["gridledger"].projections.close()


def test_every_demo_token_signs_in_and_every_page_it_reaches_answers(demo: tuple[Flask, dict[str, str]]) -> None:
    app, tokens = demo
    first = app.test_client().get("/", follow_redirects=True)
    assert first.status_code == 200 and "访问令牌" in first.get_data(as_text=True)  # / leads to signing in
    for who, token in tokens.items():
        client = app.test_client()
        sign_in(client, token)
        seen, queue, failures = set(), ["/console/"], []
        kinds: Counter[str] = Counter()
        while queue:
            path = queue.pop(0)
            kind = "/".join(path.split("?")[0].split("/")[:3])
            if path in seen or path.startswith(NOT_FOLLOWED) or kinds[kind] >= PAGES_OF_A_KIND:
                continue
            seen.add(path)
            kinds[kind] += 1
            answer = client.get(path)
            if answer.status_code >= 500 or answer.status_code not in (200, 302, 403, 404):
                failures.append(f"{path}: {answer.status_code}")
            if answer.status_code == 200 and answer.mimetype == "text/html":
                queue += [unescape(link) for link in LINK.findall(answer.get_data(as_text=True))]
        assert failures == [], f"{who}: {failures}"
        assert len(seen) > 5, f"{who} reached only {sorted(seen)}"
