from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import Api
from tests.support.documented import DocumentedClient
from tests.support.territory import Territory


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Every answer of the HTTP tests is checked against the OpenAPI document."""
    app.test_client_class = DocumentedClient
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient, territory: Territory) -> Api:
    return Api(client, territory)
