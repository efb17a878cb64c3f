"""Which package may import which: the read models and their engine stand beside the application, not on it
(they read the event store and the shared tables in projections/storage/), and projections/storage/ stands on
neither, nor on the read models: the application imports it for the tables it writes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "projections": ("application", "interface"),
    "projections/storage": (
        "application",
        "interface",
        "projections.engine",
        *(f"projections.{path.stem}" for path in (ROOT / "projections").glob("*.py") if path.stem != "__init__"),
    ),
}


def imported_modules(source: Path) -> set[str]:
    """Every module ``source`` imports, at the top or anywhere inside (a late import counts too)."""
    modules = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf8"), filename=str(source))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_none_of_the_packages_it_must_not(package: str) -> None:
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources, f"no modules under {package}/"
    offending = {
        f"{source.relative_to(ROOT)} imports {module}"
        for source in sources
        for module in imported_modules(source)
        if module.startswith(FORBIDDEN[package]) and not module.startswith("projections.storage")
    }
    assert not offending, sorted(offending)


def test_the_check_sees_an_import_of_the_application(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from application.ledger import GridLedger\n    import application.tables\n")
    assert imported_modules(module) == {"application.ledger", "application.tables"}


def test_read_model_modules_leave_every_database_difference_to_the_engine() -> None:
    modules = sorted(path for path in (ROOT / "projections").glob("*.py"))
    assert modules
    offending = [
        str(path.relative_to(ROOT))
        for path in modules
        if "dialect" in path.read_text(encoding="utf8")
        or any(module.startswith(("sqlalchemy.dialects", "psycopg2")) for module in imported_modules(path))
    ]
    assert not offending, offending
