"""``run_assessment.py assess``: the pipeline's order and its promises, through the command line against the
simulated lab over real SSH/NETCONF.

- refused early (ineligible customer, no credits, unknown customer): exit 3 with the reason, no device contacted,
  the ledger's journal unchanged;
- bad input (catalog, inventory, snapshot, options): exit 2 naming the file and the place, before any debit or
  connection;
- no review (nothing in scope, every in-scope device failed, reports not writable): exit 4, nothing charged (the
  credits held for the run are released);
- a review: one debit; the same request again charges nothing; --no-charge charges nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ledger_helpers import journal_snapshot
from report_helpers import (
    DAY,
    EXCLUDED,
    Lab,
    ledger_with_credits,
    open_at,
    redemptions,
    served_lab,
    write_inventory,
)

from app.cli import main


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with served_lab(tmp_path_factory.mktemp("lab")) as served:
        yield served


@pytest.fixture
def fresh(lab: Lab) -> Lab:
    lab.clear()
    return lab


def assess(*argv: str) -> int:
    return main(["assess", *argv])


def journal(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with open_at(url) as ledger:
        return journal_snapshot(ledger)


def released_only(url: str, before: dict[str, list[tuple[Any, ...]]]) -> None:
    """The run held credits and gave them back: the journal gained a reservation and its release, nothing else,
    and the balance is what it was."""
    after = journal(url)
    added = after["ledger_entries"][len(before["ledger_entries"]):]
    assert after["ledger_entries"][:len(before["ledger_entries"])] == before["ledger_entries"]
    assert [row[2] for row in added] == ["reservation", "release"]
    assert added[0][4] == -added[1][4]
    assert redemptions(url) == []
    with open_at(url) as ledger:
        assert ledger.reservations() == []
        assert ledger.balance("acme-sg", DAY).held == 0


def ported(lab: Lab, path: Path, **customer: Any) -> Path:
    """The lab inventory (with the served ports) and customer fields changed."""
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    data["customer"].update(customer)
    return write_inventory(path, data)


# ---------------------------------------------------------------------------------------------- refused early

@pytest.mark.parametrize(("change", "reason"), [
    ({"theater": "EMEA"}, "not eligible on 2026-06-01: theater EMEA"),
    ({"prequalified": False}, "customer is not prequalified"),
])
def test_ineligible_customer_is_refused_before_any_device_is_touched(fresh: Lab, tmp_path: Path, capsys: Any,
                                                                     change: dict[str, Any], reason: str) -> None:
    inventory = ported(fresh, tmp_path / "inv.yaml", **change)
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=50)
    before = journal(url)
    code = assess("phc", "--inventory", str(inventory), "--ledger", url, "--date", str(DAY),
                  "--out", str(tmp_path / "out"))
    assert code == 3
    assert reason in capsys.readouterr().err
    assert all(rpcs == [] for rpcs in fresh.contacted().values())
    assert journal(url) == before
    assert not (tmp_path / "out").exists()


def test_too_few_credits_is_refused_before_any_device_is_touched(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=4)
    before = journal(url)
    code = assess("cacr", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--out", str(tmp_path / "out"))
    assert code == 3
    assert ("refused: insufficient credits: CACR x1 request needs 5, acme-sg has 4 usable on 2026-06-01; nothing "
            "reserved") in capsys.readouterr().err
    assert all(rpcs == [] for rpcs in fresh.contacted().values())
    assert journal(url) == before


def test_unregistered_customer_is_refused(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code = assess("pbnir", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY))
    assert code == 3
    assert "unknown customer 'acme-sg': register it first" in capsys.readouterr().err
    assert all(rpcs == [] for rpcs in fresh.contacted().values())


# ---------------------------------------------------------------------------------------------- one debit

def test_live_review_collects_only_in_scope_devices_and_debits_once(fresh: Lab, tmp_path: Path,
                                                                     capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    out = tmp_path / "out"
    args = ("phc", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY), "--out", str(out))
    assert assess(*args) == 0
    printed = capsys.readouterr().out
    contacted = fresh.contacted()
    assert contacted[EXCLUDED] == []
    assert all(rpcs for name, rpcs in contacted.items() if name != EXCLUDED)
    assert redemptions(url) == [("PHC", f"acme-sg-phc-{DAY}", -5)]
    for line in (f"reports in {out}", str(out / "phc-report.html"), "findings: ", "failed collection: none",
                 "credits: 5 credits debited; 15 remaining, earliest expiry 2027-05-31",
                 f"excluded {EXCLUDED}: serial 66124662877 is not on Juniper Care contract JC-1001"):
        assert line in printed
    # The same request again (same customer, service and date: the default request id): nothing charged again.
    assert assess(*args) == 0
    assert "already debited under request acme-sg-phc-2026-06-01" in capsys.readouterr().out
    assert redemptions(url) == [("PHC", f"acme-sg-phc-{DAY}", -5)]
    data = json.loads((out / "phc-report.json").read_text(encoding="utf-8"))
    assert data["credits"]["status"] == "already_debited" and data["credits"]["remaining"] == 15


def test_a_request_id_used_for_another_service_is_refused_early(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    snapshot = _snapshot(fresh, tmp_path)
    base = ("--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY), "--snapshot", str(snapshot),
            "--request-id", "PO-77")
    assert assess("pbnir", *base, "--out", str(tmp_path / "a")) == 0
    before = journal(url)
    assert assess("piir", *base, "--out", str(tmp_path / "b")) == 3
    assert "request id 'PO-77' was already used for PBNIR on 2026-06-01" in capsys.readouterr().err
    assert journal(url) == before and not (tmp_path / "b").exists()


def test_no_charge_renders_without_debiting(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    before = journal(url)
    snapshot = _snapshot(fresh, tmp_path)
    out = tmp_path / "out"
    assert assess("cacr", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--snapshot", str(snapshot), "--out", str(out), "--no-charge") == 0
    assert "not charged (--no-charge; 5 credits would be due); 20 remaining" in capsys.readouterr().out
    assert journal(url) == before
    data = json.loads((out / "cacr-report.json").read_text(encoding="utf-8"))
    assert data["credits"]["status"] == "not_charged" and data["credits"]["debited"] == 0
    assert "not charged (5 credits would be due)" in (out / "cacr-report.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- no review

def test_nothing_in_scope_is_no_review_and_no_debit(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    contract = {"id": "JC-9", "start": "2026-01-01", "end": "2027-12-31", "serials": ["NOT-A-LAB-SERIAL"]}
    inventory = ported(fresh, tmp_path / "inv.yaml", care_contract=contract)
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=20)
    before = journal(url)
    assert assess("piir", "--inventory", str(inventory), "--ledger", url, "--date", str(DAY),
                  "--out", str(tmp_path / "out")) == 4
    assert "no device of the inventory is on the care contract" in capsys.readouterr().err
    assert journal(url) == before
    assert all(rpcs == [] for rpcs in fresh.contacted().values())


def test_every_in_scope_device_failing_is_no_review_and_no_debit(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    contract = {"id": "JC-9", "start": "2026-01-01", "end": "2027-12-31", "serials": ["VM611B595318"]}  # sg-edge-1
    inventory = ported(fresh, tmp_path / "inv.yaml", care_contract=contract)
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=20)
    before = journal(url)
    faults = fresh.server.device("sg-edge-1").faults
    faults.reject_auth = True
    try:
        code = assess("pbnir", "--inventory", str(inventory), "--ledger", url, "--date", str(DAY),
                      "--out", str(tmp_path / "out"), "--no-progress")
    finally:
        faults.reject_auth = False
    assert code == 4
    assert "no in-scope device could be collected: sg-edge-1: auth" in capsys.readouterr().err
    released_only(url, before)
    assert not list((tmp_path / "out").glob("*.html"))


def test_a_failed_device_is_listed_and_the_others_are_reviewed(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    snapshot = _snapshot(fresh, tmp_path)
    meta = snapshot / "sg-p-1" / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data.update(ok=False, status="failed", error={"kind": "timeout", "message": "no reply within 30 s"})
    meta.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    assert assess("phc", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--snapshot", str(snapshot), "--out", str(out)) == 1
    assert "sg-p-1: timeout: no reply within 30 s" in capsys.readouterr().out
    report = json.loads((out / "phc-report.json").read_text(encoding="utf-8"))
    assert report["scope"]["failed"] == [{"name": "sg-p-1", "kind": "timeout", "message": "no reply within 30 s"}]
    reach = [f for f in report["findings"] if f["device"] == "sg-p-1" and f["id"] == "reachability"]
    assert reach and reach[0]["status"] == "critical"
    assert redemptions(url) == [("PHC", f"acme-sg-phc-{DAY}", -5)]


def test_reports_that_cannot_be_written_are_not_charged(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    before = journal(url)
    snapshot = _snapshot(fresh, tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    assert assess("pbnir", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--snapshot", str(snapshot), "--out", str(blocker / "out")) == 4
    err = capsys.readouterr().err
    assert "the reports could not be written" in err and "nothing charged" in err
    released_only(url, before)


# ---------------------------------------------------------------------------------------------- bad input

def test_malformed_catalog_stops_before_any_debit_or_connection(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    before = journal(url)
    catalog = tmp_path / "pbn.yaml"
    text = (Path(__file__).resolve().parents[1] / "catalogs" / "juniper-pbn.yaml").read_text(encoding="utf-8")
    catalog.write_text(text.replace("  severity: high\n", "  severity: high\n  sevrity: oops\n", 1), encoding="utf-8")
    assert assess("pbnir", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--catalog", str(catalog)) == 2
    err = capsys.readouterr().err
    line = text.splitlines().index("  severity: high") + 2
    assert f"{catalog}:{line}:" in err and "unknown key" in err
    assert journal(url) == before
    assert all(rpcs == [] for rpcs in fresh.contacted().values())


def test_malformed_inventory_stops_naming_the_place(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    before = journal(url)
    broken = tmp_path / "broken.yaml"
    lines = fresh.inventory.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("- name: sg-core-2"))
    lines.insert(number + 1, "  prot: 22")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert assess("phc", "--inventory", str(broken), "--ledger", url, "--date", str(DAY)) == 2
    err = capsys.readouterr().err
    assert f"{broken}:{number + 2}:" in err and "devices[1].prot: unknown key" in err
    assert journal(url) == before
    assert all(rpcs == [] for rpcs in fresh.contacted().values())


def test_malformed_snapshot_stops_naming_the_file(fresh: Lab, tmp_path: Path, capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    snapshot = _snapshot(fresh, tmp_path)
    profile = snapshot / "sg-fw-1" / "profile.json"
    profile.write_text('{\n  "hostname": "x",\n  "model": srx345\n}\n', encoding="utf-8")
    before = journal(url)
    assert assess("piir", "--inventory", str(fresh.inventory), "--ledger", url, "--date", str(DAY),
                  "--snapshot", str(snapshot)) == 2
    assert f"{profile}:3:12: malformed JSON" in capsys.readouterr().err
    assert journal(url) == before
    missing = tmp_path / "nowhere"
    assert assess("piir", "--inventory", str(fresh.inventory), "--ledger", url, "--snapshot", str(missing)) == 2
    assert f"{missing}: --snapshot: snapshot folder not found" in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "message"), [
    (("--change", "inventories/lab-change.set"), "--change FILE and --device NAME go together"),
    (("--device", "sg-core-1", "--change", "nowhere.set"), "nowhere.set: --change: change file not found"),
    (("--date", "2026-6-1"), "bad date '2026-6-1'"),
    (("--date", "2026-W23-1"), "--date: bad date '2026-W23-1': expected YYYY-MM-DD"),  # issue 14: ISO week date
    (("--date", "9999-12-31"), "--date: bad date 9999-12-31: expected a date from 1990-01-01 to 2200-12-31"),
    (("--device", EXCLUDED, "--change", "inventories/lab-change.set"),
     f"{EXCLUDED} is not in scope (serial 66124662877 is not on Juniper Care contract JC-1001)"),
])
def test_bad_options_stop_before_any_debit(fresh: Lab, tmp_path: Path, capsys: Any, extra: tuple[str, ...],
                                           message: str) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", fresh.inventory, credits=20)
    before = journal(url)
    root = Path(__file__).resolve().parents[1]
    extra = tuple(str(root / e) if e.endswith(".set") and "nowhere" not in e else e for e in extra)
    argv = ["cacr", "--inventory", str(fresh.inventory), "--ledger", url, *extra]
    if "--date" not in extra:
        argv += ["--date", str(DAY)]
    assert assess(*argv) == 2
    assert message in capsys.readouterr().err
    assert journal(url) == before
    assert all(rpcs == [] for rpcs in fresh.contacted().values())


# ---------------------------------------------------------------------------------------------- helpers

_SNAPSHOTS: dict[str, Path] = {}


def _snapshot(lab: Lab, tmp_path: Path) -> Path:
    """A copy of one collection of the lab (collected once for the module, through ``collect``)."""
    key = str(lab.inventory)
    if key not in _SNAPSHOTS:
        first = lab.inventory.parent / "collected"
        assert main(["collect", "--inventory", str(lab.inventory), "--out", str(first), "--no-progress"]) == 0
        _SNAPSHOTS[key] = first
    copy = tmp_path / "snapshot"
    shutil.copytree(_SNAPSHOTS[key], copy)
    lab.clear()
    return copy
