"""One command-line convention: ``--format text|json|csv`` where output is data (stdout holds only the result;
progress, warnings and logs go to stderr), ``-v``/``-q`` before or after the command, library debug only with
``-vvv``, a progress bar with ETA on a terminal and plain lines otherwise, a quiet exit on a closed pipe, shell
completion generated from the parser. Commands run as subprocesses against the simulated lab over real SSH."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import build_parser, verbosity
from app.commands.completion import tree
from lab.server import LabServer, load_device_folder
from msplus.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ROOT / "lab" / "devices"
CONFIG = DEVICES / "vmx" / "config.conf"


def cli(*args: str, cwd: Path = ROOT, home: Path | None = None, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"HOME": str(home)} if home else {})}
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout, check=False)


# ---------------------------------------------------------------------------------------------- options

def test_version() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "msplus-assess 0.1.0"


@pytest.mark.parametrize(("argv", "level"), [
    (["config", "check", "f"], 0),
    (["-v", "config", "check", "f"], 1),
    (["config", "check", "f", "-vv"], 2),
    (["-v", "config", "check", "f", "-vv"], 3),
    (["ledger", "balance", "acme", "-vvvv"], 3),
    (["config", "check", "f", "-q"], -1),
    (["-vv", "sweep", "--history", "h", "--quiet"], -1),
])
def test_verbosity_before_and_after_the_command(argv: list[str], level: int) -> None:
    assert verbosity(build_parser().parse_args(argv)) == level


def test_quiet_turns_progress_off() -> None:
    args = build_parser().parse_args(["collect", "--inventory", "i", "--out", "o", "-q"])
    assert verbosity(args) == -1 and not args.no_progress  # main() sets it: checked end to end below


@pytest.mark.parametrize(("flags", "ours", "netmiko", "paramiko"), [
    ([], "WARNING", "WARNING", "CRITICAL"), (["-q"], "ERROR", "ERROR", "CRITICAL"),
    (["-vv"], "DEBUG", "WARNING", "CRITICAL"), (["-vvv"], "DEBUG", "DEBUG", "DEBUG"),
])
def test_library_debug_only_with_three_v(flags: list[str], ours: str, netmiko: str, paramiko: str) -> None:
    # paramiko and ncclient stay silent below -vvv: their ERROR tracebacks repeat a device's recorded failure
    code = textwrap.dedent(f"""
        import logging, sys
        from app.cli import _setup_logging, build_parser, verbosity
        _setup_logging(verbosity(build_parser().parse_args({['config', 'check', 'f', *flags]!r})))
        effective = lambda name: logging.getLevelName(logging.getLogger(name).getEffectiveLevel())
        print(effective("collectors.run"), effective("netmiko"), effective("paramiko.transport"),
              effective("ncclient.transport"))
        print(logging.getLogger().handlers[0].stream is sys.stderr)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    levels, to_stderr = proc.stdout.splitlines()
    assert levels.split() == [ours, netmiko, paramiko, paramiko] and to_stderr == "True"


def test_every_data_command_has_the_one_format_option() -> None:
    nodes = {n.path: n for n in tree(build_parser())}
    for path in ("collect", "sweep", "assess", "config check", "config review", "catalog match", "inventory import",
                 "ledger balance", "ledger statement", "ledger register", "ledger purchase", "ledger redeem",
                 "ledger reverse"):
        choices = nodes[path].valued.get("--format")
        assert choices and choices[0] == "text" and "json" in choices, path
    for node in nodes.values():
        assert "--json" not in node.options and "--csv" not in node.options, node.path  # kept only as hidden aliases
        assert "table" not in node.valued.get("--format", []), node.path
        if node.path:
            assert {"-v", "-q"} <= set(node.options), node.path


def test_old_spellings_still_work(tmp_path: Path) -> None:
    args = build_parser().parse_args(["catalog", "match", "--catalog", "c", "--devices", "d", "--format", "table"])
    assert args.format == "text"
    args = build_parser().parse_args(["ledger", "statement", "acme", "--csv"])
    assert args.format == "csv"
    db = str(tmp_path / "l.db")
    inventory = ROOT / "inventories" / "lab.yaml"
    assert cli("ledger", "--ledger", db, "register", "--inventory", str(inventory)).returncode == 0
    new = cli("ledger", "--ledger", db, "purchase", "acme-sg", "3", "--date", "2026-06-01", "--format", "json")
    old = cli("ledger", "--ledger", db, "balance", "acme-sg", "--date", "2026-06-02", "--json")
    assert json.loads(new.stdout)["credits"] == 3 and json.loads(old.stdout)["available"] == 3


def test_closed_pipe_exits_quietly() -> None:
    # The reader is gone before the first write (as when `| head -1` has had its line): the write meets a closed
    # pipe whatever the pipe's buffer size.
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_assessment.py"), "config", "check", str(CONFIG),
                             "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert code == 141 and err == ""


def test_warnings_go_to_stderr_and_json_stays_clean() -> None:
    proc = cli("config", "check", str(CONFIG), "--format", "json")
    json.loads(proc.stdout)  # nothing but the result
    text = cli("config", "check", str(CONFIG))
    assert "warning" not in text.stdout.lower() or "warning:" not in text.stdout


# ---------------------------------------------------------------------------------------------- completion

def _complete(script: Path, shell: str, *words: str) -> list[str]:
    body = textwrap.dedent(f"""
        COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=()
        _msplus_run_assessment
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """)
    if shell == "bash":
        command = ["bash", "-c", f"source {script}\n{body}"]
    else:
        command = ["zsh", "-c", f"autoload -U +X compinit && compinit -u; source {script}\n{body}"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 0, proc.stderr
    found = [w for w in proc.stdout.split() if w]
    if shell == "zsh":  # bashcompinit's compgen returns every word; zsh's compadd then keeps those with the prefix
        found = [w for w in found if w.startswith(words[-1])]
    return found


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_shell_completion_from_the_parser(tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"completion.{shell}"
    proc = cli("completion", shell)
    assert proc.returncode == 0
    script.write_text(proc.stdout)
    top = _complete(script, shell, "run-assessment", "")
    assert set(top) == {"demo", "lab", "collect", "config", "catalog", "inventory", "completion", "sweep", "ledger",
                        "assess", "worker", "beat"}
    assert _complete(script, shell, "run-assessment", "con") == ["config"]
    assert _complete(script, shell, "run-assessment", "config", "check", "f.conf", "--format", "") == [
        "text", "json", "junit", "sarif"]
    assert _complete(script, shell, "run-assessment", "-v", "assess", "p") == ["pbnir", "piir", "phc"]
    assert "--no-charge" in _complete(script, shell, "run-assessment", "assess", "cacr", "--")
    assert _complete(script, shell, "run-assessment", "inventory", "import", "--from", "n") == ["nornir",
                                                                                              "netbox-csv"]
    assert _complete(script, shell, "run-assessment", "collect", "--inventory", "") == []  # a file: the shell's


# ---------------------------------------------------------------------------------------------- progress

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_has_counts_and_eta() -> None:
    out = _Terminal()
    bar = Progress(4, stream=out)
    bar.started -= 8  # as if 8 seconds had passed
    bar.done("r1", ok=True, detail="0.4s")
    bar.done("r2", ok=False, detail="auth 0.1s")
    text = out.getvalue()
    assert "[2/4] r2 FAILED auth 0.1s\n" in text  # a failure stays on screen, above the bar
    assert "[2/4] r1" not in text  # a success only moves the bar
    last = text.rsplit("\r", 1)[-1]
    assert "2/4 devices, 1 failed" in last and "ETA 0:08" in last and "[############............]" in last
    bar.done("r3", ok=True)
    bar.done("r4", ok=True)
    bar.close()
    assert out.getvalue().endswith("\n") and "4/4 devices" in out.getvalue().rsplit("\r", 1)[-1]


def test_progress_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    with Progress(2, stream=out) as bar:
        bar.done("r1", ok=True, detail="0.4s")
        bar.done("r2", ok=False, detail="timeout 10.0s")
    assert out.getvalue() == "[1/2] r1 ok 0.4s\n[2/2] r2 FAILED timeout 10.0s\n"


# ---------------------------------------------------------------------------------------------- against the lab

@pytest.fixture(scope="module")
def lab() -> Iterator[LabServer]:
    sims = [load_device_folder(DEVICES / "vmx", name="edge", host="127.0.16.1", port=0),
            load_device_folder(DEVICES / "mx960-degraded", name="core", host="127.0.16.2", port=0),
            load_device_folder(DEVICES / "vsrx-firefly", name="locked", host="127.0.16.3", port=0)]
    sims[2].faults.reject_auth = True
    with LabServer(sims) as server:
        yield server


def _inventory(tmp_path: Path, lab: LabServer, names: list[str], customer: bool = False) -> Path:
    lines = [f"  - {{name: {n}, host: {lab.address(n)[0]}, port: {lab.address(n)[1]}, role: core}}" for n in names]
    path = tmp_path / "inventory.yaml"
    path.write_text("defaults: {driver: pyez, username: lab, password: lab123, timeout: 10, connect_timeout: 5}\n"
                    "devices:\n" + "\n".join(lines) + "\n")
    return path


def test_collect_json_on_stdout_progress_lines_on_stderr(lab: LabServer, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, lab, ["edge", "core", "locked"])
    proc = cli("collect", "--inventory", str(inventory), "--out", str(tmp_path / "snap"), "--format", "json",
               home=tmp_path / "home")
    assert proc.returncode == 1  # one device failed
    data = json.loads(proc.stdout)
    by = {d["device"]: d for d in data["devices"]}
    assert by["edge"]["ok"] and by["edge"]["model"] and by["edge"]["replies"] > 5
    assert by["locked"]["ok"] is False and by["locked"]["error_kind"] == "auth"
    assert data["summary"] == {"devices": 3, "collected": 2, "failed": 1, "host_keys_not_verified": 2}
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 3 and any("locked FAILED auth" in line for line in progress)
    quiet = cli("collect", "--inventory", str(inventory), "--out", str(tmp_path / "snap2"), "-q",
                home=tmp_path / "home")
    assert quiet.returncode == 1 and quiet.stderr == "" and "collected 2 of 3 devices" in quiet.stdout


def test_sweep_json_and_csv_and_history_json(lab: LabServer, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, lab, ["edge", "core"])
    history, out = tmp_path / "history", tmp_path / "out"
    proc = cli("sweep", "--inventory", str(inventory), "--history", str(history), "--out", str(out), "--format",
               "json", "--no-progress", home=tmp_path / "home")
    data = json.loads(proc.stdout)
    assert proc.returncode == data["exit_code"] == 1  # the degraded MX960 is critical
    statuses = {(r["device"], r["check"]): r["status"] for r in data["results"]}
    assert statuses[("core", "reachability")] == "ok" and "critical" in set(statuses.values())
    assert data["results"] == json.loads((out / "health.json").read_text())
    again = cli("sweep", "--inventory", str(inventory), "--history", str(history), "--out", str(out), "--format",
                "csv", home=tmp_path / "home")
    rows = list(csv.DictReader(io.StringIO(again.stdout)))
    assert {(r["device"], r["check"]) for r in rows} == set(statuses)
    table = json.loads(cli("sweep", "history", "--history", str(history), "--format", "json").stdout)
    assert [s["sweep"] for s in table["sweeps"]] == [1, 2]
    assert all(len(r["cells"]) == 2 for r in table["rows"])


def test_assess_no_charge_without_customer_is_an_internal_review(lab: LabServer, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, lab, ["edge", "core"])
    charged = cli("assess", "cacr", "--inventory", str(inventory), "--out", str(tmp_path / "x"),
                  "--ledger", str(tmp_path / "l.db"), home=tmp_path / "home")
    assert charged.returncode == 2 and "no customer: section" in charged.stderr and "--no-charge" in charged.stderr
    ledger = tmp_path / "never.db"
    proc = cli("assess", "cacr", "--inventory", str(inventory), "--no-charge", "--out", str(tmp_path / "review"),
               "--ledger", str(ledger), "--format", "json", home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["customer"] == "internal" and data["credits"]["status"] == "not_charged"
    assert data["scope"]["in_scope"] == 2 and data["findings"]["total"] > 0
    assert not ledger.exists()  # no ledger was opened, let alone charged
    html = Path(data["files"]["html"]).read_text(encoding="utf-8")
    assert "Internal review: not charged; no customer, care contract or eligibility was checked" in html
    text = cli("assess", "cacr", "--inventory", str(inventory), "--no-charge", "--out", str(tmp_path / "review2"),
               "--snapshot", str(tmp_path / "review" / "snapshot"), home=tmp_path / "home")
    assert text.returncode == 0 and "credits: Internal review: not charged" in text.stdout


def test_argparse_namespace_defaults_do_not_leak() -> None:
    args = build_parser().parse_args(["config", "check", "f", "-v"])
    assert isinstance(args, argparse.Namespace) and args.format == "text" and args.command_verbose == 1
