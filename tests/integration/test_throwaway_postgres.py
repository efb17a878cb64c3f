"""Where no PostgreSQL is running, the test set-up starts a throwaway cluster of its own."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import psycopg2
from sqlalchemy.engine import make_url
from tests.support.postgres import create_database, drop_database, postgres_server_url
server = postgres_server_url()
url = make_url(create_database(server, "gridledger_throwaway_check"))
connection = psycopg2.connect(host=url.host, port=url.port, user=url.username, dbname=url.database)
connection.cursor().execute("SELECT 1")
connection.close()
drop_database(server, "gridledger_throwaway_check")
print("port", make_url(server).port)
"""


def test_a_throwaway_cluster_starts_and_is_removed() -> None:
    env = {**os.environ, "GRIDLEDGER_TEST_POSTGRES_THROWAWAY": "1"}
    env.pop("GRIDLEDGER_TEST_POSTGRES_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("port ") and "5432" not in result.stdout
