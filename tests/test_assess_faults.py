"""``assess`` killed or interrupted at every step, and run twice at once, as real processes (run_assessment.py)
against the simulated lab over real SSH/NETCONF and a real SQLite ledger.

The promise (issue 10): the ledger and the output folder always agree. A charge means the complete set of
documents is published and says so; credits given back mean no review was published; credits still held (a run
killed outright) mean the run did not finish, and the same request run again finishes it, charging once.
Steps are reached through the ASSESS_TEST_HOOK fault points (app/testhook.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import DAY, Lab, ledger_with_credits, open_at, redemptions, served_lab

from app.cli import main
from reports.render import file_names

ROOT = Path(__file__).resolve().parents[1]
SERVICE, COST = "pbnir", 2
REQUEST = f"acme-sg-{SERVICE}-{DAY}"
STEPS = ["locked", "reserved", "collected", "rendered", *(f"publish-rename-{n}" for n in range(1, 6)),
         "published", "capturing", "captured"]
PUBLISHING = STEPS.index("publish-rename-1")  # from here on SIGINT and SIGTERM wait for the run to finish


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with served_lab(tmp_path_factory.mktemp("lab")) as served:
        yield served


@pytest.fixture(scope="module")
def snapshot(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("collected") / "snapshot"
    assert main(["collect", "--inventory", str(lab.inventory), "--out", str(folder), "--no-progress"]) == 0
    return folder


def start(lab: Lab, url: str, out: Path, *extra: str, hook: str | None = None,
          request: str | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("ASSESS_TEST_HOOK", None)
    if hook:
        env["ASSESS_TEST_HOOK"] = hook
    argv = [sys.executable, str(ROOT / "run_assessment.py"), "assess", SERVICE, "--inventory", str(lab.inventory),
            "--ledger", url, "--date", str(DAY), "--out", str(out), "--no-progress", *extra]
    if request:
        argv += ["--request-id", request]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def published(out: Path) -> list[str]:
    return sorted(name for name in file_names(SERVICE).values() if (out / name).exists())


def check_agreement(url: str, out: Path, request: str = REQUEST) -> str:
    """The ledger and the folder agree; returns the state: charged, held (unfinished) or nothing."""
    charged = [r for r in redemptions(url) if r[1] == request]
    with open_at(url) as ledger:
        held = [r for r in ledger.reservations() if r.request_id == request]
        balance = ledger.balance("acme-sg", DAY)
    assert len(charged) <= 1 and len(held) <= 1 and not (charged and held)
    if charged:  # a charge: the complete set, saying what the ledger says
        assert published(out) == sorted(file_names(SERVICE).values())
        assert not list(out.glob(".staging-*"))
        credits = json.loads((out / f"{SERVICE}-report.json").read_text(encoding="utf-8"))["credits"]
        assert (credits["request_id"], credits["cost"]) == (request, COST)
        assert credits["status"] in ("debited", "already_debited")
        assert credits["remaining"] == balance.available
        return "charged"
    if held:  # killed outright: unfinished, credits held, not charged
        assert balance.held == COST
        return "held"
    assert balance.held == 0 and published(out) == []  # given back: nothing published
    return "nothing"


def rerun_repairs(lab: Lab, url: str, out: Path, *extra: str) -> None:
    code, stdout, err = finish(start(lab, url, out, *extra))
    assert code == 0, err
    assert "Traceback" not in err
    assert check_agreement(url, out) == "charged"
    assert [r for r in redemptions(url) if r[1] == REQUEST] == [(SERVICE.upper(), REQUEST, -COST)]
    with open_at(url) as ledger:
        assert ledger.reservations() == []
    assert ("credits: 2 credits debited" in stdout) or ("already debited under request" in stdout)


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_every_step(lab: Lab, snapshot: Path, tmp_path: Path, step: str) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out = tmp_path / "out"
    code, _stdout, err = finish(start(lab, url, out, "--snapshot", str(snapshot), hook=f"{step}:kill"))
    assert code == -signal.SIGKILL and f"assess test hook: {step}" in err
    state = check_agreement(url, out)
    before = STEPS.index(step)
    expected = ("nothing" if step == "locked" else "charged" if step == "captured" else "held")
    assert state == expected, (step, state, before)
    rerun_repairs(lab, url, out, "--snapshot", str(snapshot))


# SIGINT before publishing (released), at the first and last rename and after capture (finished first); SIGTERM
# at two steps. (SIGKILL above covers every step: a signal the run can see only adds the clean-up.)
INTERRUPTS = [(s, "int") for s in ("reserved", "collected", "rendered", "publish-rename-1", "publish-rename-5",
                                    "captured")] + [("collected", "term"), ("publish-rename-3", "term")]


@pytest.mark.parametrize(("step", "how"), INTERRUPTS)
def test_interrupted_at_every_step(lab: Lab, snapshot: Path, tmp_path: Path, step: str, how: str) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out = tmp_path / "out"
    code, stdout, err = finish(start(lab, url, out, "--snapshot", str(snapshot), hook=f"{step}:{how}"))
    assert "Traceback" not in err
    name = {"int": "SIGINT", "term": "SIGTERM"}[how]
    if STEPS.index(step) < PUBLISHING:  # stopped: the credits are given back, nothing published
        assert code == 128 + {"int": signal.SIGINT, "term": signal.SIGTERM}[how], err
        assert f"interrupted by {name}: no review published, nothing charged" in err
        assert check_agreement(url, out) == "nothing"
    else:  # publishing and capturing finish first, then the run ends normally
        assert code == 0, err
        assert f"{name} received while publishing: the review was finished first" in err
        assert "credits: 2 credits debited" in stdout
        assert check_agreement(url, out) == "charged"
    rerun_repairs(lab, url, out, "--snapshot", str(snapshot))


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_stopped_during_live_collection(lab: Lab, tmp_path: Path, how: signal.Signals) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out = tmp_path / "out"
    proc = start(lab, url, out)
    deadline = time.monotonic() + 60
    while not any((out / "snapshot").glob("*/*")):  # a device's first files are being written
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.005)
    proc.send_signal(how)
    code, _stdout, err = finish(proc)
    assert "Traceback" not in err
    state = check_agreement(url, out)
    if how == signal.SIGKILL:
        assert (code, state) == (-signal.SIGKILL, "held")
    else:
        assert (code, state) == (130, "nothing"), err
    rerun_repairs(lab, url, out)


def _wait_stopped(proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while Path(f"/proc/{proc.pid}/stat").read_text().split(") ", 1)[1][0] != "T":
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("other_folder", [False, True])
def test_two_runs_of_one_request_at_once(lab: Lab, snapshot: Path, tmp_path: Path, other_folder: bool) -> None:
    """One works, the other refuses at once, naming the run that holds the request; one charge, one complete
    review, and each summary says what its run did."""
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out, second_out = tmp_path / "out", tmp_path / ("other" if other_folder else "out")
    first = start(lab, url, out, "--snapshot", str(snapshot), hook="collected:pause")
    _wait_stopped(first)  # the first run holds the request, its credits and its folder
    code, stdout, err = finish(start(lab, url, second_out, "--snapshot", str(snapshot)))
    assert (code, stdout) == (3, "")
    assert err.startswith(f"refused: another assess run (pid {first.pid}, since ") and err.count("\n") == 1, err
    assert "nothing done" in err
    assert not list(second_out.glob(f"{SERVICE}-*")) and not (other_folder and second_out.exists())
    first.send_signal(signal.SIGCONT)
    code, stdout, err = finish(first)
    assert code == 0 and "Traceback" not in err, err
    assert "credits: 2 credits debited; 18 remaining" in stdout
    assert check_agreement(url, out) == "charged"
    assert redemptions(url) == [(SERVICE.upper(), REQUEST, -COST)]
    # afterwards the same request is a rerun: published again, not charged again, and it says so
    code, stdout, err = finish(start(lab, url, second_out, "--snapshot", str(snapshot)))
    assert code == 0, err
    assert f"already debited under request {REQUEST} (2 credits), not charged again; 18 remaining" in stdout
    assert redemptions(url) == [(SERVICE.upper(), REQUEST, -COST)]


def test_two_requests_into_one_folder_at_once(lab: Lab, snapshot: Path, tmp_path: Path) -> None:
    """Two different requests never write into the same folder at once: the second refuses, holds nothing."""
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out = tmp_path / "out"
    first = start(lab, url, out, "--snapshot", str(snapshot), hook="rendered:pause")
    _wait_stopped(first)
    code, _stdout, err = finish(start(lab, url, out, "--snapshot", str(snapshot), request="other-request"))
    assert code == 3 and "is working on folder" in err and "nothing done" in err, err
    with open_at(url) as ledger:
        assert [r.request_id for r in ledger.reservations()] == [REQUEST]
    first.send_signal(signal.SIGCONT)
    assert finish(first)[0] == 0
    assert check_agreement(url, out) == "charged"
    assert redemptions(url) == [(SERVICE.upper(), REQUEST, -COST)]  # the refused request charged nothing


def test_a_device_folder_left_by_a_kill_during_its_first_write_is_cleared(tmp_path: Path) -> None:
    """Found by test_stopped_during_live_collection: SIGKILL between a device folder's creation and its first
    meta.json rename left only its (cut) temporary file, and the rerun refused the folder as "not written by this
    tool", so the rerun could not repair. A folder holding anything else of unknown origin is still refused."""
    from msplus.errors import InputError
    from snapshots.writer import prepare_folder

    left = tmp_path / "sg-core-2"
    left.mkdir()
    (left / ".meta.json.k3x9q1.tmp").write_text('{"schema_version": 1, "to', encoding="utf-8")
    prepare_folder(left)
    assert left.is_dir() and list(left.iterdir()) == []
    (left / ".meta.json.k3x9q1.tmp").write_text("{}", encoding="utf-8")
    (left / "notes.txt").write_text("someone's notes", encoding="utf-8")
    with pytest.raises(InputError, match="not written by this tool"):
        prepare_folder(left)
    assert (left / "notes.txt").exists()
