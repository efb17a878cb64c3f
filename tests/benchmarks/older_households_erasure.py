"""What an erasure by ID number costs when households were registered before per-person keys existed: the erasure
reads the registration of every household whose head is still held in clear (application/clear_households.py).

On PostgreSQL: ``--households`` households registered by a ledger without per-person keys (the single application
key), the households read model caught up, then a ledger with per-person keys erases the last head by ID number,
timed. Compare with ``--households`` ten times smaller in the same session for the growth.

Usage::

    python -m tests.benchmarks.older_households_erasure [--households 20000]
"""

from __future__ import annotations

import argparse
import time

from eventsourcing.cipher import AESCipher

from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.personal_data_commands import PersonalDataCommands
from application.settings import Settings
from interface.app import create_app
from tests.benchmarks.command_throughput import fresh_databases
from tests.support.postgres import postgres_server_url
from tests.support.territory import build_territory

ID_NUMBER = "11010519491231002X"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args(argv)
    key = AESCipher.create_key(32)
    with fresh_databases(postgres_server_url(), "older_households") as urls:
        url = urls["older_households"]
        older = GridLedger(Settings(database_url=url, cipher_key=key, person_keys=False))
        territory = build_territory(older)
        households, worker = HouseholdCommands(older), territory.staff["worker"]
        for number in range(args.households):
            head = {"name": f"住户{number}", "id_number": None, "phone": f"139{number:08d}"}
            households.register(
                worker, address=f"紫阳镇{number}号", grid=territory.grid("chayuan-01"), kind="owner", head=head
            )
        head = {"name": "程立新", "id_number": ID_NUMBER, "phone": "13812345678"}
        households.register(worker, address="紫阳镇末号", grid=territory.grid("chayuan-01"), kind="owner", head=head)
        older.datastore.engine.dispose()
        ledger = GridLedger(Settings(database_url=url, cipher_key=key))
        app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
        projections = app.extensions["gridledger"].projections
        projections.engine.catch_up()
        start = time.perf_counter()
        answer = PersonalDataCommands(ledger).erase(territory.staff["admin"], reason="基准", id_number=ID_NUMBER)
        took = time.perf_counter() - start
        projections.close()
        ledger.datastore.engine.dispose()
    assert answer.id, "erased"
    print(f"erasure by ID number among {args.households + 1} households held in clear: {took:.2f} s")


if __name__ == "__main__":
    main()
