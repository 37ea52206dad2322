"""The sweep history store: SQLite under a folder (the default), and PostgreSQL when ASSESS_TEST_POSTGRES_URL is
set. Sweeps, results, changes and device states go in; the latest state per device and a table over time come out."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzers.health.compare import DeviceState
from analyzers.health.history import History, HistoryError, url_for
from analyzers.health.records import Change, CheckResult


def result(device: str, check: str, status: str, value: float | None) -> CheckResult:
    return CheckResult(device=device, check=check, status=status, value=value,
                       threshold={"direction": ">=", "warning": 80.0, "critical": 95.0}, action="act",
                       detail="seen")


def sweep(store: History, n: int, cpu: float, *, reachable: bool = True) -> int:
    states = [DeviceState(device="r1", reachable=reachable, at=float(n), reason=None if reachable else "refused",
                          uptime_seconds=100 * n, statuses={"re-cpu": "ok"}),
              DeviceState(device="r2", reachable=True, at=float(n), alarms={"chassis": [f"Minor alarm {n}"]})]
    status = "critical" if cpu >= 95 else "warning" if cpu >= 80 else "ok"
    return store.record(started=f"2026-01-0{n}T00:00:00+00:00", finished=f"2026-01-0{n}T00:01:00+00:00",
                        inventory="inv.yaml", snapshot=f"snap/{n}", collect_seconds=1.5, evaluate_seconds=0.1,
                        checks=[result("r1", "re-cpu", status, cpu), result("r2", "re-cpu", "ok", 3.0),
                                result("r2", "storage", "unknown", None)],
                        device_states=states, found=[Change("r1", "reboot", 500, 100, "rebooted")])


def exercise(store: History) -> None:
    first = sweep(store, 1, 50.0)
    second = sweep(store, 2, 85.0, reachable=False)
    third = sweep(store, 3, 97.0)
    assert first < second < third
    latest, reached = store.previous()
    assert latest["r1"].at == 3.0 and latest["r2"].alarms == {"chassis": ["Minor alarm 3"]}
    assert reached["r1"].at == 3.0
    table = store.table(last=2)
    assert [c.id for c in table.columns] == [second, third]
    rows = {(d, c): cells for d, c, cells in table.rows}
    assert rows[("r1", "re-cpu")] == (("warning", 85.0), ("critical", 97.0))
    assert rows[("r2", "storage")] == (("unknown", None), ("unknown", None))
    only = store.table(devices=["r1"], checks=["re-cpu"], last=10)
    assert [(d, c) for d, c, _ in only.rows] == [("r1", "re-cpu")] and len(only.columns) >= 3
    assert [s.collect_seconds for s in store.sweeps(10)][-3:] == [1.5, 1.5, 1.5]


def test_sqlite_history_in_a_new_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "history"
    with History.open(folder) as store:
        exercise(store)
        # the last reachable state is kept apart from the latest
        sweep(store, 4, 10.0, reachable=False)
        latest, reached = store.previous()
        assert latest["r1"].reachable is False and reached["r1"].at == 3.0
    database = folder / "history.sqlite3"
    assert database.is_file()
    with sqlite3.connect(database) as conn:  # readable with plain SQL, as the README shows
        rows = conn.execute("SELECT s.started, r.device, r.check_id, r.status, r.value FROM health_results r "
                            "JOIN health_sweeps s ON s.id = r.sweep_id WHERE r.check_id = 're-cpu' AND "
                            "r.device = 'r1' ORDER BY s.id").fetchall()
        kinds = conn.execute("SELECT kind, before, after FROM health_changes").fetchall()
    assert [r[3] for r in rows] == ["ok", "warning", "critical", "ok"]
    assert kinds[0] == ("reboot", "500", "100")


def test_reopening_keeps_the_history(tmp_path: Path) -> None:
    with History.open(tmp_path) as store:
        sweep(store, 1, 50.0)
    with History.open(tmp_path) as store:
        sweep(store, 2, 50.0)
        assert len(store.sweeps(10)) == 2


def test_unusable_history_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(HistoryError, match="cannot create the history folder"):
        History.open(blocker / "history")
    with pytest.raises(HistoryError, match="cannot open the history"):
        History.open("nosuchdialect://x/y")
    assert url_for("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"  # psycopg 3, not psycopg2


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = os.environ.get("ASSESS_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ASSESS_TEST_POSTGRES_URL is not set (CI sets it; a local PostgreSQL is needed)")
    import sqlalchemy as sa

    schema = f"health_test_{uuid.uuid4().hex[:8]}"  # a schema of its own: other tests share the database
    engine = sa.create_engine(url_for(url))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_history(postgres_url: str) -> None:
    with History.open(postgres_url) as store:
        exercise(store)
