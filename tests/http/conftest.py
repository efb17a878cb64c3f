from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.api import Api
from tests.support.territory import Territory


@pytest.fixture
def api(client: FlaskClient, territory: Territory) -> Api:
    return Api(client, territory)
