"""``run_assessment.py catalog validate|import-cve|match``: the command-line contract the review reports rely on
(JSON fields, default and --all listings, exit 0 whatever the verdicts, 2 for bad input)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from test_advisory_conditions import _suzieq

from msplus.records import DeviceProfile

ROOT = Path(__file__).resolve().parents[1]
CVE = ROOT / "catalogs" / "juniper-cve.yaml"
PBN = ROOT / "catalogs" / "juniper-pbn.yaml"
RECORDS = ROOT / "tests" / "data" / "advisories" / "juniper-cve"
FIELDS = {"device", "id", "advisory", "verdict", "evidence", "fixed_in", "recommended_release"}
UPGRADE_FIELDS = {"device", "model", "release", "action", "recommended_release", "path", "basis"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "catalog", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)


def test_match_devices_csv_json_contract(tmp_path: Path) -> None:
    (tmp_path / "leaf01.conf").write_text(_suzieq("leaf01"))
    (tmp_path / "spine01.conf").write_text(_suzieq("spine01"))
    csv = tmp_path / "devices.csv"
    csv.write_text("name,model,version,config\n"
                   "leaf01,qfx10002-72q,21.4R2-S1,leaf01.conf\n"
                   "spine01,qfx10002-72q,21.4R2-S1,spine01.conf\n"
                   "edge,mx960,22.4R3-S2.3,\n")
    proc = run("match", "--catalog", str(CVE), str(PBN), "--devices", str(csv), "--format", "json",
               "--date", "2026-12-04")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"review_date", "entries", "matches", "upgrades"}
    assert {e["id"] for e in out["entries"]} == {r["id"] for r in out["matches"]}  # each entry once
    rows = out["matches"]
    assert rows and all(set(r) >= FIELDS for r in rows)
    assert all("upgrade" not in r for r in rows)  # the plan is per device, not repeated per row
    assert {r["verdict"] for r in rows} <= {"affected", "indeterminate"}
    assert all(isinstance(r["evidence"], list) and r["evidence"] for r in rows)
    vxlan = {r["device"]: r for r in rows if r["id"] == "CVE-2023-36835"}
    assert vxlan["leaf01"]["verdict"] == "affected"
    assert vxlan["leaf01"]["advisory"] == "JSA71642"
    assert vxlan["leaf01"]["fixed_in"][0] == "21.4R3-S1"
    assert any("set vlans Vlan10 vxlan vni 10" in e for e in vxlan["leaf01"]["evidence"])
    assert "spine01" not in vxlan  # not_affected pairs are left out by default
    upgrades = {u["device"]: u for u in out["upgrades"]}
    assert sorted(upgrades) == ["edge", "leaf01", "spine01"]
    assert all(set(u) >= UPGRADE_FIELDS for u in upgrades.values())
    # QFX10002: the platform data documents no train supported on the review date: verify, never a release
    assert upgrades["leaf01"]["action"] == "verify_support" and upgrades["leaf01"]["recommended_release"] is None
    assert any("QFX10002" in b for b in upgrades["leaf01"]["basis"])
    assert {r["recommended_release"] for r in rows if r["device"] == "leaf01"} == {None}
    # MX960 on 22.4 (support ended 2026-06-22): a supported train the MX960 runs, one hop away
    edge = upgrades["edge"]
    assert edge["action"] == "upgrade" and edge["recommended_release"].startswith(("23.2", "23.4"))
    assert edge["path"][-1] == edge["recommended_release"]
    assert {r["recommended_release"] for r in rows if r["device"] == "edge"} == {edge["recommended_release"]}
    # --all adds the not_affected pairs: every (device, entry) pair once
    proc = run("match", "--catalog", str(CVE), str(PBN), "--devices", str(csv), "--format", "json", "--all")
    assert proc.returncode == 0, proc.stderr
    every = json.loads(proc.stdout)["matches"]
    assert len(every) == 3 * (157 + 5)
    spine = next(r for r in every if r["device"] == "spine01" and r["id"] == "CVE-2023-36835")
    assert spine["verdict"] == "not_affected"
    assert "config: no statement matches [ vlans <*> vxlan ]" in spine["evidence"]


def test_match_snapshot_folder_table_and_json(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    for name, model, version, res, config in (("qfx1", "qfx10002-36q", "21.4R2-S2.3", 1, _suzieq("leaf01")),
                                              ("ptx1", "ptx10008", "22.4R3-S2.5-EVO", 2, None)):
        folder = snap / name
        folder.mkdir(parents=True)
        profile = DeviceProfile(hostname=name, model=model, family=model[:3], version=version,
                                evolved=version.endswith("-EVO"), serial_number="S", routing_engines=res,
                                uptime_seconds=1)
        (folder / "profile.json").write_text(json.dumps(profile.to_json()))
        if config:
            (folder / "configuration.conf").write_text(config)
    proc = run("match", "--catalog", str(CVE), "--snapshot", str(snap), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["matches"]
    qfx = {r["id"]: r for r in rows if r["device"] == "qfx1"}
    assert qfx["CVE-2023-36835"]["verdict"] == "affected"
    ptx = {r["id"]: r for r in rows if r["device"] == "ptx1"}
    # CVE-2024-47495 needs dual routing engines: the profile says 2; no configuration was collected for ptx1
    assert ptx["CVE-2024-47495"]["verdict"] == "affected"
    assert any(r["verdict"] == "indeterminate" and "config: configuration not collected" in " ".join(r["evidence"])
               for r in ptx.values())
    assert not any(r["device"] == "ptx1" and r["id"].startswith("CVE-2023-36835") for r in rows)
    table = run("match", "--catalog", str(CVE), "--snapshot", str(snap), "--format", "table")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("DEVICE")
    assert "qfx1: " in table.stdout and "recommended release" in table.stdout


def test_bad_input_exits_2(tmp_path: Path) -> None:
    csv = tmp_path / "devices.csv"
    csv.write_text("name,version\nr1,21.4R3\n")
    proc = run("match", "--catalog", str(CVE), "--devices", str(csv), "--format", "json")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {csv}:1: missing column(s) model (expected name,model,version[,config])"
    csv.write_text("name,model,version\nr1,mx960,21.4R3 S5\n")
    proc = run("match", "--catalog", str(CVE), "--devices", str(csv), "--format", "json")
    assert proc.returncode == 2 and f"{csv}:2: version: not a Junos release" in proc.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(PBN.read_text().replace("  kind: problem_report", "  kind: problem-report", 1))
    proc = run("validate", str(PBN), str(broken))
    assert proc.returncode == 2
    assert f"{PBN}: ok, 5 entries" in proc.stdout
    assert f"{broken}:" in proc.stderr and "(entry PR-EXAMPLE-1712345)" in proc.stderr
    proc = run("match", "--catalog", str(broken), "--devices", str(csv))
    assert proc.returncode == 2


def test_import_cve_writes_a_valid_catalog_and_a_summary(tmp_path: Path) -> None:
    src = tmp_path / "records"
    src.mkdir()
    for name in ("CVE-2021-0211.json", "CVE-2023-28985.json", "CVE-2024-21586.json"):
        shutil.copy(RECORDS / name, src / name)
    (src / "not-a-cve.json").write_text('{"hello": "world"}')
    out = tmp_path / "out.yaml"
    summary = tmp_path / "summary.json"
    proc = run("import-cve", str(src), str(RECORDS / "CVE-2016-1263.json"), "--out", str(out),
               "--summary", str(summary))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {out}: 4 entries from 4 records (1 files skipped)")
    assert "range kept as text: 'unspecified < SigPack 3598'" in proc.stdout
    assert "range kept as replaced: '15.1X49 < 15.1X490-D240'" in proc.stdout
    data = json.loads(summary.read_text())
    assert data["totals"]["records"] == 4 and data["skipped"][0]["file"] == "not-a-cve.json"
    assert run("validate", str(out)).returncode == 0
    proc = run("import-cve", str(tmp_path / "missing"), "--out", str(out))
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr
