"""The sweep history: every sweep's results, changes and per-device state, in SQLite (a file under the history
folder, the default) or any SQLAlchemy database URL (PostgreSQL through psycopg 3).

Tables (prefixed ``health_`` so they can share a database with other tools):
  health_sweeps         one row per sweep: when, inventory, device count, collection and evaluation seconds
  health_results        one row per device and check: status, value, threshold (JSON), detail, action
  health_changes        one row per difference from the device's previous sweep
  health_device_states  one row per device: the state the next sweep compares with (JSON, compare.DeviceState)

Reading it as a table over time: ``History.table()`` (``run_assessment.py sweep history``), or SQL, e.g.

    SELECT s.started, r.device, r.check_id, r.status, r.value
    FROM health_results r JOIN health_sweeps s ON s.id = r.sweep_id
    WHERE r.check_id = 'storage' ORDER BY r.device, s.id;
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from analyzers.health.compare import DeviceState
from analyzers.health.records import Change, CheckResult
from msplus.errors import AssessError

SQLITE_FILE = "history.sqlite3"
SCHEMA_VERSION = 1

metadata = sa.MetaData()
sweeps = sa.Table(
    "health_sweeps", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started", sa.String(40), nullable=False),
    sa.Column("finished", sa.String(40)),
    sa.Column("inventory", sa.Text),
    sa.Column("devices", sa.Integer),
    sa.Column("collect_seconds", sa.Float),
    sa.Column("evaluate_seconds", sa.Float),
    sa.Column("snapshot", sa.Text),
    sa.Column("schema_version", sa.Integer, nullable=False, default=SCHEMA_VERSION),
)
results = sa.Table(
    "health_results", metadata,
    sa.Column("sweep_id", sa.Integer, sa.ForeignKey("health_sweeps.id"), nullable=False),
    sa.Column("device", sa.String(128), nullable=False),
    sa.Column("check_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("threshold", sa.Text),
    sa.Column("detail", sa.Text),
    sa.Column("action", sa.Text),
    sa.Index("ix_health_results_device_check", "device", "check_id", "sweep_id"),
)
changes = sa.Table(
    "health_changes", metadata,
    sa.Column("sweep_id", sa.Integer, sa.ForeignKey("health_sweeps.id"), nullable=False),
    sa.Column("device", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("check_id", sa.String(64)),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Column("detail", sa.Text),
    sa.Index("ix_health_changes_device", "device", "sweep_id"),
)
states = sa.Table(
    "health_device_states", metadata,
    sa.Column("sweep_id", sa.Integer, sa.ForeignKey("health_sweeps.id"), nullable=False),
    sa.Column("device", sa.String(128), nullable=False),
    sa.Column("reachable", sa.Boolean, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Index("ix_health_states_device", "device", "sweep_id"),
)


class HistoryError(AssessError):
    """The history store cannot be opened, read or written (the message says which and why)."""


@dataclass(frozen=True, slots=True)
class SweepInfo:
    id: int
    started: str
    devices: int | None
    collect_seconds: float | None
    evaluate_seconds: float | None


@dataclass(frozen=True, slots=True)
class HistoryTable:
    """Results over time: ``columns`` are sweeps (oldest first); each row is (device, check, cells) with a cell
    per sweep: (status, value) or None when the device or check was not in that sweep."""

    columns: tuple[SweepInfo, ...]
    rows: tuple[tuple[str, str, tuple[tuple[str, float | None] | None, ...]], ...]


def url_for(target: str | Path, *, create: bool = True) -> str:
    """A database URL as given (``postgresql+psycopg://...``), else a folder holding the SQLite file. With
    ``create=False`` (reading the history) a missing folder or file is an error, never created."""
    text = str(target)
    if "://" in text:
        if text.startswith("postgresql://"):  # psycopg 3 is the driver installed; SQLAlchemy defaults to psycopg2
            text = "postgresql+psycopg://" + text[len("postgresql://"):]
        return text
    folder = Path(text).expanduser().resolve()
    if not create:
        if not (folder / SQLITE_FILE).is_file():
            raise HistoryError(f"no sweep history in {folder} ({SQLITE_FILE} not found); nothing was created")
        return f"sqlite:///{folder / SQLITE_FILE}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryError(f"cannot create the history folder {folder}: {exc.strerror or exc}") from exc
    return f"sqlite:///{folder / SQLITE_FILE}"


class History:
    """An open history store. ``History.open(target)`` creates the tables it needs."""

    def __init__(self, engine: sa.Engine, where: str) -> None:
        self.engine = engine
        self.where = where

    @classmethod
    def open(cls, target: str | Path, *, create: bool = True) -> History:
        """The store at ``target``; ``create=False`` to read one that must exist already."""
        url = url_for(target, create=create)
        shown = url
        try:
            shown = sa.engine.make_url(url).render_as_string(hide_password=True)
            args = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
            engine = sa.create_engine(url, **args)
            metadata.create_all(engine)
        except (SQLAlchemyError, ArgumentError, ImportError, ValueError) as exc:
            raise HistoryError(f"cannot open the history {shown}: {_reason(exc)}") from exc
        return cls(engine, shown)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------------------

    def record(self, *, started: str, finished: str, inventory: str, snapshot: str, collect_seconds: float,
               evaluate_seconds: float, checks: Sequence[CheckResult], device_states: Sequence[DeviceState],
               found: Sequence[Change]) -> int:
        """Store one sweep in one transaction; returns its id."""
        try:
            with self.engine.begin() as conn:
                inserted = conn.execute(sweeps.insert().values(
                    started=started, finished=finished, inventory=inventory, devices=len(device_states),
                    collect_seconds=round(collect_seconds, 3), evaluate_seconds=round(evaluate_seconds, 3),
                    snapshot=snapshot, schema_version=SCHEMA_VERSION))
                sweep_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
                if checks:
                    conn.execute(results.insert(), [
                        {"sweep_id": sweep_id, "device": r.device, "check_id": r.check, "status": r.status,
                         "value": r.value, "threshold": json.dumps(r.threshold), "detail": r.detail,
                         "action": r.action} for r in checks])
                if found:
                    conn.execute(changes.insert(), [
                        {"sweep_id": sweep_id, "device": c.device, "kind": c.kind, "check_id": c.check,
                         "before": json.dumps(c.before), "after": json.dumps(c.after), "detail": c.detail}
                        for c in found])
                if device_states:
                    conn.execute(states.insert(), [
                        {"sweep_id": sweep_id, "device": s.device, "reachable": s.reachable,
                         "state": json.dumps(s.to_json())} for s in device_states])
        except SQLAlchemyError as exc:
            raise HistoryError(f"cannot write to the history {self.where}: {_reason(exc)}") from exc
        return sweep_id

    # -- reading ------------------------------------------------------------------------------------------------

    def previous(self) -> tuple[dict[str, DeviceState], dict[str, DeviceState]]:
        """Each device's latest stored state, and its latest state from a sweep that reached it."""
        return self._latest(reachable_only=False), self._latest(reachable_only=True)

    def _latest(self, *, reachable_only: bool) -> dict[str, DeviceState]:
        latest = sa.select(states.c.device, sa.func.max(states.c.sweep_id).label("sweep_id"))
        if reachable_only:
            latest = latest.where(states.c.reachable.is_(True))
        sub = latest.group_by(states.c.device).subquery()
        query = sa.select(states.c.device, states.c.state).join(
            sub, sa.and_(states.c.device == sub.c.device, states.c.sweep_id == sub.c.sweep_id))
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise HistoryError(f"cannot read the history {self.where}: {_reason(exc)}") from exc
        return {row.device: DeviceState.from_json(json.loads(row.state)) for row in rows}

    def sweeps(self, last: int = 10) -> list[SweepInfo]:
        query = sa.select(sweeps).order_by(sweeps.c.id.desc()).limit(last)
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise HistoryError(f"cannot read the history {self.where}: {_reason(exc)}") from exc
        return [SweepInfo(r.id, r.started, r.devices, r.collect_seconds, r.evaluate_seconds) for r in reversed(rows)]

    def table(self, *, devices: Iterable[str] = (), checks: Iterable[str] = (), last: int = 10) -> HistoryTable:
        """Status and value per device and check over the last ``last`` sweeps."""
        columns = self.sweeps(last)
        if not columns:
            return HistoryTable((), ())
        query = sa.select(results.c.sweep_id, results.c.device, results.c.check_id, results.c.status,
                          results.c.value).where(results.c.sweep_id >= columns[0].id)
        wanted_devices, wanted_checks = list(devices), list(checks)
        if wanted_devices:
            query = query.where(results.c.device.in_(wanted_devices))
        if wanted_checks:
            query = query.where(results.c.check_id.in_(wanted_checks))
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise HistoryError(f"cannot read the history {self.where}: {_reason(exc)}") from exc
        index = {c.id: i for i, c in enumerate(columns)}
        cells: dict[tuple[str, str], list[tuple[str, float | None] | None]] = {}
        for row in rows:
            if row.sweep_id not in index:
                continue
            line = cells.setdefault((row.device, row.check_id), [None] * len(columns))
            line[index[row.sweep_id]] = (row.status, row.value)
        ordered = sorted(cells.items())
        return HistoryTable(tuple(columns), tuple((d, c, tuple(v)) for (d, c), v in ordered))


def _reason(exc: BaseException) -> str:
    orig: Any = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
