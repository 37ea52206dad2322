"""Issue 14, through ``assess`` and ``catalog match`` on a real collection of the simulated lab: a hostile
profile.json in ``--snapshot`` (a 5,000-digit service number, ``"routing_engines": "two"``) is bad input (exit 2,
one line naming the file), and a live ``assess`` says that host keys were not verified, as ``collect`` does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, run_cli
from report_helpers import DAY, Lab, ledger_with_credits, served_lab

from app.cli import main


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with served_lab(tmp_path_factory.mktemp("lab")) as served:
        yield served


@pytest.fixture(scope="module")
def collected(lab: Lab) -> Path:
    out = lab.inventory.parent / "collected"
    assert main(["collect", "--inventory", str(lab.inventory), "--out", str(out), "--no-progress"]) == 0
    return out


def _hostile(collected: Path, tmp_path: Path, **changes: object) -> tuple[Path, Path]:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(collected, snapshot)
    profile = snapshot / "sg-core-1" / "profile.json"
    data = json.loads(profile.read_text(encoding="utf-8"))
    data.update(changes)
    profile.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return snapshot, profile


HUGE_RELEASE = "21.4R3-S" + "9" * 5000


def test_hostile_profile_in_snapshot_is_bad_input(lab: Lab, collected: Path, tmp_path: Path) -> None:
    snapshot, profile = _hostile(collected, tmp_path, routing_engines="two")
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    proc = run_cli("assess", "piir", "--inventory", lab.inventory, "--ledger", url, "--date", str(DAY),
                   "--snapshot", snapshot, "--out", tmp_path / "out", "--no-charge")
    assert_clean_failure(proc, 2, str(profile), "routing_engines")
    assert not (tmp_path / "out").exists()


def test_unreadable_release_makes_verdicts_indeterminate_not_a_traceback(lab: Lab, collected: Path,
                                                                        tmp_path: Path) -> None:
    """A device may report a release this tool cannot read: the review still runs and says so for that device
    (a 5,000-digit service number used to be a ValueError traceback in int())."""
    snapshot, _ = _hostile(collected, tmp_path, version=HUGE_RELEASE)
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    proc = run_cli("assess", "piir", "--inventory", lab.inventory, "--ledger", url, "--date", str(DAY),
                   "--snapshot", snapshot, "--out", tmp_path / "out", "--no-charge")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    report = json.loads((tmp_path / "out" / "piir-report.json").read_text(encoding="utf-8"))
    core = [f for f in report["findings"] if f["device"] == "sg-core-1"]
    assert core and all(f["status"] == "indeterminate" for f in core)
    assert any("not a Junos release" in f["message"] for f in core)

    proc = run_cli("catalog", "match", "--catalog", "catalogs/juniper-cve.yaml", "--snapshot", snapshot,
                   "--format", "json")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    out = json.loads(proc.stdout)
    rows = [r for r in out["matches"] if r["device"] == "sg-core-1"]
    assert rows and all(r["verdict"] == "indeterminate" for r in rows)
    upgrade = next(u for u in out["upgrades"] if u["device"] == "sg-core-1")
    assert upgrade["action"] == "verify_support" and upgrade["recommended_release"] is None


def test_live_assess_warns_that_host_keys_were_not_verified(lab: Lab, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    code = main(["assess", "pbnir", "--inventory", str(lab.inventory), "--ledger", url, "--date", str(DAY),
                 "--out", str(tmp_path / "out"), "--no-charge", "--no-progress"])
    assert code in (0, 1)
    err = capsys.readouterr().err
    assert "host keys NOT verified" in err


def test_deeply_nested_profile_is_bad_input(lab: Lab, collected: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(collected, snapshot)
    profile = snapshot / "sg-core-1" / "profile.json"
    profile.write_text('{"hostname": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    proc = run_cli("assess", "piir", "--inventory", lab.inventory, "--ledger", url, "--date", str(DAY),
                   "--snapshot", snapshot, "--out", tmp_path / "out", "--no-charge")
    assert_clean_failure(proc, 2, f"{profile}:1:", "nested deeper than 64 levels")
