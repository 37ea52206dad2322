"""Installable: the declared dependencies match requirements.in, shipped data is found through msplus.shipped, and
a wheel built from the tracked files installs into a fresh virtual environment whose ``run-assessment`` works from
another directory (``--version`` and the demo)."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from msplus import shipped

ROOT = Path(__file__).resolve().parents[1]
# folders installed from the checkout (pyproject.toml [tool.setuptools.packages.find])
PACKAGED = ("msplus", "snapshots", "collectors", "analyzers", "reports", "lab", "ledger", "app", "catalogs",
            "inventories")
DEV_ONLY = {"pytest", "pytest-timeout", "ruff", "mypy", "types-pyyaml", "hypothesis", "import-linter", "pyang",
            "atheris"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_every_runtime_requirement_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    wanted = {_name(line) for line in (ROOT / "requirements.in").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert wanted - DEV_ONLY <= declared, f"not declared in pyproject.toml: {sorted(wanted - DEV_ONLY - declared)}"
    assert wanted & DEV_ONLY <= dev, f"dev tools missing from [dev]: {sorted((wanted & DEV_ONLY) - dev)}"
    assert not declared & DEV_ONLY


def test_shipped_data_is_beside_the_packages() -> None:
    assert shipped.ROOT == ROOT  # a checkout: the repository root
    for name in ("cacr-rules.yaml", "health-checks.yaml", "juniper-cve.yaml", "juniper-pbn.yaml"):
        assert shipped.catalog(name).is_file()
    lab = shipped.inventory("lab.yaml").read_text()
    assert "../lab/devices/" in lab and (shipped.INVENTORIES / "../lab/devices/vmx").resolve().is_dir()


def _tracked_copy(dest: Path) -> Path:
    """The files git tracks, copied: what a clean clone (and so the wheel) holds, nothing from this work tree."""
    try:
        files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell tracked files from local ones")
    for name in files.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _wheelhouse(wheel: Path, env: dict[str, str]) -> Path:
    """The dependencies' wheels at the locked versions, cached per requirements.lock outside the test's temporary
    folders: the first run downloads (and builds) them, later runs install offline."""
    lock = (ROOT / "requirements.lock").read_bytes()
    cache = Path(os.environ.get("ASSESS_TEST_WHEELHOUSE") or
                 Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "msplus-assess-tests")
    house = cache / f"wheelhouse-{hashlib.sha256(lock).hexdigest()[:12]}"
    house.mkdir(parents=True, exist_ok=True)
    # pip wheel, not pip download: a dependency published only as an sdist (ncclient) is built into a wheel once,
    # so the offline install needs no build tools
    base = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", str(wheel),
            "-c", str(ROOT / "requirements.lock"), "-w", str(house)]
    offline = subprocess.run([*base, "--no-index", "--find-links", str(house)], env=env, capture_output=True,
                             text=True, check=False)
    if offline.returncode != 0:
        online = subprocess.run(base, env=env, capture_output=True, text=True, check=False, timeout=900)
        assert online.returncode == 0, online.stderr[-3000:]
    return house


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_wheel_installs_into_a_fresh_environment_and_runs_anywhere(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_CACHE_DIR"] = str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "pip")
    src = _tracked_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(src)],
                           env=env, capture_output=True, text=True, check=False, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(dist.glob("msplus_assess-*.whl"))
    shipped_files = set(zipfile.ZipFile(wheel).namelist())
    tracked = [str(p.relative_to(src)) for folder in PACKAGED for p in (src / folder).rglob("*") if p.is_file()]
    missing = sorted(f for f in tracked if f not in shipped_files)
    assert not missing, f"tracked files the wheel leaves out: {missing[:20]}"
    house = _wheelhouse(wheel, env)

    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True, clear=True).create(fresh)
    installed = subprocess.run([str(fresh / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", "--no-compile", "--no-index", "--find-links", str(house),
                                str(wheel)],
                               env=env, capture_output=True, text=True, check=False, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env_run = {**env, "HOME": str(tmp_path / "home"), "PATH": f"{fresh / 'bin'}:/usr/bin:/bin"}
    command = str(fresh / "bin" / "run-assessment")
    version = subprocess.run([command, "--version"], cwd=elsewhere, env=env_run, capture_output=True, text=True,
                             check=False, timeout=120)
    assert version.returncode == 0 and version.stdout.strip() == "msplus-assess 0.1.0", version.stderr

    demo = subprocess.run([command, "demo", "--out", "demo-out"], cwd=elsewhere, env=env_run, capture_output=True,
                          text=True, check=False, timeout=600)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-3000:]
    reports = sorted(p.name for p in (elsewhere / "demo-out").glob("*/*-report.html"))
    assert reports == ["cacr-report.html", "pbnir-report.html", "phc-report.html", "piir-report.html"]
    assert "24 credits left" in demo.stdout
    # nothing was read from the checkout: the installed copy has its own catalogs and lab
    site = next((fresh / "lib").glob("python3*/site-packages"))
    assert (site / "catalogs" / "cacr-rules.yaml").is_file() and (site / "lab" / "devices" / "vmx").is_dir()
    assert str(ROOT) not in demo.stdout + demo.stderr
