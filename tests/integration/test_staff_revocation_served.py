"""A revoked or rotated token is refused by the very next request, whichever process answers it: the real
console scripts (``gridledger staff …``, ``gridledger serve --workers 2``, ``gridledger projections run``) on a
fresh database, no fixture in between."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.schema.test_first_start import BACKENDS, fresh_database
from tests.support.served import CONSOLE_SCRIPT, served

REQUESTS = 24  # each on a new connection, so both workers answer some of them


def gridledger(url: str, *arguments: str) -> str:
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), *arguments],
        env={**os.environ, "GRIDLEDGER_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def token_of(output: str) -> str:
    return output.strip().splitlines()[-1]


def added(output: str) -> tuple[str, str]:
    """The token and the id ``gridledger staff add`` printed: "created ROLE NAME (ID)" then the token."""
    return token_of(output), output.split("(")[-1].split(")")[0]


def status(port: int, method: str, path: str, token: str, body: object = None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def statuses(port: int, token: str) -> set[int]:
    return {status(port, "GET", "/me", token) for _ in range(REQUESTS)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_revoked_and_rotated_tokens_fail_at_once_in_every_worker(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        gridledger(url, "db", "upgrade")
        admin = token_of(gridledger(url, "staff", "add", "--name", "管理员", "--role", "admin"))
        clerk, clerk_id = added(gridledger(url, "staff", "add", "--name", "李强", "--role", "auditor"))
        auditor, auditor_id = added(gridledger(url, "staff", "add", "--name", "督查组", "--role", "auditor"))
        assert gridledger(url, "staff", "list", "--role", "auditor").count("active") == 2

        worker = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "projections", "run"],
            env={**os.environ, "GRIDLEDGER_DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with served(url, tmp_path / "serve.log", "--workers", "2", "--threads", "2") as port:
                assert statuses(port, clerk) == {200}
                assert status(port, "POST", f"/staff/{clerk_id}/revoke", admin, {"reason": "离职"}) == 200
                assert statuses(port, clerk) == {401}

                # rotated at the console: the old token fails at once in the running server, the new one works
                rotated = token_of(gridledger(url, "staff", "rotate", auditor_id))
                assert statuses(port, auditor) == {401}
                assert statuses(port, rotated) == {200}
        finally:
            worker.terminate()
            worker.wait(timeout=60)

        listed = gridledger(url, "staff", "list", "--revoked")
        assert "李强" in listed and "督查组" not in listed
