"""Where the journal is kept: SQLAlchemy Core tables, the schema version, and transactions that serialise writers.

SQLite (the default, one file, no server) and PostgreSQL (shared by a team) run the same statements. Writers are
serialised per ledger on SQLite (``BEGIN IMMEDIATE`` in WAL mode, waiting up to ``BUSY_SECONDS`` for the lock) and
per customer on PostgreSQL (``SELECT ... FOR UPDATE`` on the customer row). The journal tables refuse UPDATE and
DELETE in the database itself (triggers), so an edit made outside this module fails too.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from ledger.errors import LedgerError
from ledger.limits import length
from ledger.location import default_path

SCHEMA_VERSION = 2  # 2: reservations and releases (hold_for, holder)
BUSY_SECONDS = 60.0  # how long a SQLite writer waits for the lock before giving up
APPEND_ONLY = ("ledger_entries", "ledger_allocations", "ledger_customer_history")

metadata = sa.MetaData()
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's auto-increment

schema_table = sa.Table(
    "ledger_schema", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

customers = sa.Table(
    "ledger_customers", metadata,
    sa.Column("id", sa.String(length("customer_id")), primary_key=True),
    sa.Column("name", sa.String(length("customer_name")), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # the Customer record as JSON (not the journal: it can change)
    sa.Column("registered_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

customer_history = sa.Table(
    "ledger_customer_history", metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(length("customer_id")), sa.ForeignKey("ledger_customers.id"),
              nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("customer_id", "version", name="uq_ledger_customer_version"),
)

# Reservations hold credits for a request (negative, like a redemption) until a release gives them back (positive,
# ``reverses`` the reservation). Capturing a reservation is its release plus a redemption of the same lots, in one
# transaction. A reservation and its release name their request in ``hold_for``, not ``request_id``: a request may
# be reserved again after a release, while it is redeemed (and reversed) at most once.
ENTRY_TYPES = ("purchase", "redemption", "reversal", "reservation", "release")
TAKES = ("redemption", "reservation")  # the entry types that take credits from lots (negative credits)
TYPE_CHECK = "type IN ('purchase', 'redemption', 'reversal', 'reservation', 'release')"
SIGN_CHECK = ("(type IN ('redemption', 'reservation') AND credits < 0) "
              "OR (type NOT IN ('redemption', 'reservation') AND credits > 0)")
V1_TYPE_CHECK = "type IN ('purchase', 'redemption', 'reversal')"
V1_SIGN_CHECK = "(type = 'redemption' AND credits < 0) OR (type <> 'redemption' AND credits > 0)"

entries = sa.Table(
    "ledger_entries", metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(length("customer_id")), sa.ForeignKey("ledger_customers.id"),
              nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("credits", sa.BigInteger, nullable=False),  # signed: + purchase, release, reversal; - the others
    sa.Column("service", sa.String(16)),
    sa.Column("units", sa.Integer),
    sa.Column("request_id", sa.String(length("request_id"))),
    sa.Column("content_hash", sa.String(64)),  # what the request id stood for, to tell a replay from a clash
    sa.Column("reference", sa.String(length("reference"))),  # purchase order
    sa.Column("expires", sa.Date),  # purchases: last usable day, fixed when bought
    sa.Column("note", sa.Text),  # redemption note, reversal reason, release reason
    sa.Column("reverses", _ID, sa.ForeignKey("ledger_entries.id"), unique=True),  # reversed or released once
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("hold_for", sa.String(length("request_id"))),  # reservations and releases: the request (v2)
    sa.Column("holder", sa.Text),  # reservations: who holds it (tool, host, process, folder) (v2)
    sa.UniqueConstraint("type", "request_id", name="uq_ledger_entry_request"),
    sa.CheckConstraint(TYPE_CHECK, name="ck_ledger_entry_type"),
    sa.CheckConstraint(SIGN_CHECK, name="ck_ledger_entry_sign"),
    sa.CheckConstraint("type <> 'purchase' OR expires IS NOT NULL", name="ck_ledger_lot_expires"),
    sa.Index("ix_ledger_entries_customer", "customer_id", "type"),
    sa.Index("ix_ledger_entries_hold_for", "hold_for"),
)

allocations = sa.Table(
    "ledger_allocations", metadata,
    sa.Column("entry_id", _ID, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("lot_id", _ID, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("credits", sa.BigInteger, nullable=False),  # + taken from the lot, - given back to it
    sa.Column("day", sa.Date, nullable=False),  # the entry's date, kept here so a lot's sums need no join
    sa.CheckConstraint("credits <> 0", name="ck_ledger_allocation_credits"),
    sa.Index("ix_ledger_allocations_lot", "lot_id", "day", "credits"),  # covers the per-lot sums
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# ------------------------------------------------------------------------------------------------------ engines

class Store:
    """An open ledger database: the engine and the transactions the operations run in."""

    def __init__(self, url: str) -> None:
        try:
            self.url = make_url(url)
            self.url.port  # noqa: B018  (a bad port only shows when read)
        except (sa.exc.ArgumentError, ValueError) as exc:
            raise LedgerError(f"bad ledger URL: {exc}") from exc
        self.display = self.url.render_as_string(hide_password=True)
        self.dialect = self.url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise LedgerError(f"unsupported ledger database {self.dialect}: use SQLite or PostgreSQL")
        self.engine = _sqlite_engine(self.url) if self.dialect == "sqlite" else _pg_engine(self.url)
        try:
            with self.translated("open"):
                ensure_schema(self)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: the whole block commits or nothing does (an exception rolls it back)."""
        with self.translated("write"), self.engine.connect() as plain:
            conn = plain.execution_options(ledger_write=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent view of the journal."""
        with self.translated("read"), self.engine.connect() as conn, conn.begin():
            yield conn

    def lock_customer(self, conn: Connection, customer_id: str) -> sa.Row | None:
        """The customer row, locked until the transaction ends (SQLite's BEGIN IMMEDIATE already locks it all)."""
        query = sa.select(customers).where(customers.c.id == customer_id)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return conn.execute(query).first()

    @contextlib.contextmanager
    def translated(self, what: str) -> Iterator[None]:
        """Database failures (unreachable, locked too long, bad schema) become LedgerError, once, here.

        Integrity errors pass through: the operations decide what a clash means.
        """
        try:
            yield
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as exc:
            detail = " ".join(str(exc.orig).split())[:300]
            raise LedgerError(f"ledger {self.display}: {what} failed: {detail}") from exc


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        raise LedgerError("an in-memory ledger would lose every entry; give a file path")
    path = Path(database).expanduser()
    if not path.parent.is_dir():
        if path.resolve() != default_path().resolve():
            raise LedgerError(f"ledger folder {path.parent} does not exist")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # customer contacts live in there too
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # sqlite3's own transaction handling would BEGIN lazily (deferred) and let two writers read the same
        # balance; SQLAlchemy emits BEGIN itself below (the recipe in SQLAlchemy's SQLite dialect notes).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        _wal(cur)  # readers never block the writer, and vice versa
        cur.execute("PRAGMA synchronous=FULL")  # a committed entry survives a power cut, not only a crash
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock before the first read, so check-then-insert is atomic across processes.
        write = conn.get_execution_options().get("ledger_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _wal(cur: Any) -> None:
    """Switch the file to WAL (it stays so). The switch takes an exclusive lock and SQLite reports a busy file at
    once instead of waiting, so several first users of a new ledger retry here for up to BUSY_SECONDS."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _pg_engine(url: sa.URL) -> Engine:
    if url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


# ------------------------------------------------------------------------------------------------------- schema

def _v2_reservations(conn: Connection, dialect: str) -> None:
    """Version 2: two entry types (reservation, release) and two columns (hold_for, holder).

    PostgreSQL alters the constraints in place. SQLite cannot alter a CHECK constraint; widening one (every stored
    row still satisfies the new rule) is done by editing the table's stored definition, as SQLite's documentation
    describes for such changes ("Making Other Kinds Of Table Schema Changes", with writable_schema), inside this
    transaction, after which the file is checked with PRAGMA integrity_check.
    """
    conn.execute(sa.text(f"ALTER TABLE ledger_entries ADD COLUMN hold_for VARCHAR({length('request_id')})"))
    conn.execute(sa.text("ALTER TABLE ledger_entries ADD COLUMN holder TEXT"))
    conn.execute(sa.text("CREATE INDEX ix_ledger_entries_hold_for ON ledger_entries (hold_for)"))
    if dialect == "postgresql":
        conn.execute(sa.text("ALTER TABLE ledger_entries DROP CONSTRAINT ck_ledger_entry_type, "
                             "DROP CONSTRAINT ck_ledger_entry_sign, "
                             f"ADD CONSTRAINT ck_ledger_entry_type CHECK ({TYPE_CHECK}), "
                             f"ADD CONSTRAINT ck_ledger_entry_sign CHECK ({SIGN_CHECK})"))
        return
    sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger_entries'")
                       ).scalar_one()
    if sql.count(V1_TYPE_CHECK) != 1 or sql.count(V1_SIGN_CHECK) != 1:
        raise LedgerError("cannot migrate the ledger to version 2: ledger_entries is not the version 1 table")
    sql = sql.replace(V1_TYPE_CHECK, TYPE_CHECK).replace(V1_SIGN_CHECK, SIGN_CHECK)
    version = conn.execute(sa.text("PRAGMA schema_version")).scalar_one()
    conn.execute(sa.text("PRAGMA writable_schema=ON"))
    conn.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'ledger_entries'"),
                 {"sql": sql})
    conn.execute(sa.text(f"PRAGMA schema_version={int(version) + 1}"))
    conn.execute(sa.text("PRAGMA writable_schema=OFF"))
    problems = [row[0] for row in conn.execute(sa.text("PRAGMA integrity_check"))]
    if problems != ["ok"]:
        raise LedgerError(f"ledger migration to version 2 failed the integrity check: {problems[:3]}")


# Migrations: version N -> the function that takes a version N-1 ledger to N, run in one transaction.
MIGRATIONS: dict[int, Callable[[Connection, str], None]] = {2: _v2_reservations}


def ensure_schema(store: Store) -> None:
    """Create a new ledger, or migrate an older one, under a lock so racing first uses do it once."""
    with store.engine.connect() as plain:
        conn = plain.execution_options(ledger_write=True)
        with conn.begin():
            if store.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('msplus-ledger-schema'))"))
            version = current_version(conn)
            if version is None:
                _create(conn, store.dialect)
                return
            if version > SCHEMA_VERSION:
                raise LedgerError(f"ledger {store.display} has schema version {version}, newer than this tool "
                                  f"({SCHEMA_VERSION}): upgrade the tool")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](conn, store.dialect)
                conn.execute(schema_table.insert().values(version=target, applied_at=now()))


def current_version(conn: Connection) -> int | None:
    if not sa.inspect(conn).has_table(schema_table.name):
        return None
    return conn.execute(sa.select(sa.func.max(schema_table.c.version))).scalar()


def _create(conn: Connection, dialect: str) -> None:
    metadata.create_all(conn)
    for statement in _append_only_ddl(dialect):
        conn.execute(sa.text(statement))  # text(): the driver would read % as a placeholder
    conn.execute(schema_table.insert().values(version=SCHEMA_VERSION, applied_at=now()))


def _append_only_ddl(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'ledger journal is append-only: {op} on {table} refused'); END"
            for table in APPEND_ONLY for op in ("UPDATE", "DELETE")
        ]
    statements = [
        "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'ledger journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$"
    ]
    statements += [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
        for table in APPEND_ONLY
    ]
    return statements
