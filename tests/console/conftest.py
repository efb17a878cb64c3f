from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from application.ledger import GridLedger
from interface.app import create_app


@pytest.fixture
def app(ledger: GridLedger) -> Iterator[Flask]:
    """The app with a fixed secret key (no key file written) and CSRF checked as in production."""
    app = create_app(
        {"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": True, "SECRET_KEY": "test-console-key"}, ledger=ledger
    )
    yield app
    app.extensions["gridledger"].projections.close()
