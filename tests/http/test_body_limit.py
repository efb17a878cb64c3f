"""A body over 1 MiB is a 413 however it arrives, with Content-Length or chunked, and writes nothing.

Chunked bodies used to be read up to the limit and processed cut short: 1.1 MB of a valid report followed by
spaces and ``GARBAGE`` made a case (201), while the same bytes with Content-Length were a 413.
"""

from __future__ import annotations

import http.client
import io
import json
from pathlib import Path

from tests.support.api import Api
from tests.support.responses import PROBLEM, assert_problem
from tests.support.served import served

LIMIT = 1024 * 1024


def _report(api: Api, length: int, tail: bytes = b"") -> bytes:
    """A valid report padded with spaces to ``length`` bytes, then ``tail``."""
    body = json.dumps(api.case_body(), ensure_ascii=False).encode()
    return body + b" " * (length - len(body)) + tail


def _post_chunked(api: Api, raw: bytes):
    """As a server hands a chunked body to the app: a stream that ends, and no Content-Length."""
    return api.client.post(
        "/api/v1/cases",
        input_stream=io.BytesIO(raw),
        environ_overrides={"wsgi.input_terminated": True},
        headers={**api.territory.auth("worker"), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )


def _case_no(api: Api) -> int:
    return int(api.report("worker")["case_no"][-5:])


def test_a_chunked_body_over_the_limit_is_a_413_and_writes_nothing(api: Api) -> None:
    before = _case_no(api)
    for raw in (_report(api, 1_100_000, b"GARBAGE"), _report(api, LIMIT + 1)):
        assert_problem(_post_chunked(api, raw), 413)
    # The same bytes with a Content-Length were refused already.
    response = api.client.post(
        "/api/v1/cases",
        data=_report(api, 1_100_000, b"GARBAGE"),
        headers={**api.territory.auth("worker"), "Content-Type": "application/json"},
    )
    assert_problem(response, 413)
    assert _case_no(api) == before + 1  # no case number was spent


def test_a_chunked_body_up_to_the_limit_is_read_whole(api: Api) -> None:
    assert _post_chunked(api, _report(api, LIMIT)).status_code == 201
    assert _post_chunked(api, json.dumps(api.case_body()).encode()).status_code == 201
    # Read whole: what follows the valid report at the end of the limit is not cut off.
    assert_problem(_post_chunked(api, _report(api, LIMIT - len(b"GARBAGE"), b"GARBAGE")), 400)


# -- under gunicorn, as ``gridledger serve`` runs it ------------------------------------------------
def _post(port: int, api: Api, raw: bytes, *, chunked: bool) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {**api.territory.auth("worker"), "Content-Type": "application/json"}
    try:
        if chunked:  # 64 KiB chunks, as a streaming client sends them
            chunks = (raw[start : start + 65536] for start in range(0, len(raw), 65536))
            connection.request("POST", "/api/v1/cases", body=chunks, headers=headers, encode_chunked=True)
        else:
            connection.request("POST", "/api/v1/cases", body=raw, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), json.loads(response.read())
    finally:
        connection.close()


def test_under_gunicorn_a_chunked_body_over_the_limit_is_a_413(api: Api, database_url: str, tmp_path: Path) -> None:
    with served(database_url, tmp_path / "serve.log", "--workers", "1", "--threads", "2") as port:
        status, _, first = _post(port, api, _report(api, 10_000), chunked=True)
        assert status == 201, first
        for chunked in (True, False):
            status, content_type, problem = _post(port, api, _report(api, 1_100_000, b"GARBAGE"), chunked=chunked)
            assert (status, content_type, problem["status"]) == (413, PROBLEM, 413), problem
        status, _, last = _post(port, api, json.dumps(api.case_body()).encode(), chunked=True)
        assert status == 201, last
    assert int(last["case_no"][-5:]) == int(first["case_no"][-5:]) + 1  # nothing was written in between
