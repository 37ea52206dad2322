"""Where the data shipped with the tool lives: ``catalogs/`` (advisory catalogs, CACR rules, health thresholds) and
``inventories/`` (the simulated lab) sit beside the packages — at the repository root in a checkout, in
site-packages when installed (pyproject.toml installs both folders there) — so the same relative paths hold in both
(``inventories/lab.yaml`` names ``../lab/devices/...``). Code finds shipped data through this module only."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the folder holding msplus/, lab/, catalogs/, inventories/
CATALOGS = ROOT / "catalogs"
INVENTORIES = ROOT / "inventories"


def catalog(name: str) -> Path:
    """A shipped catalog, rule or thresholds file (``catalog("cacr-rules.yaml")``)."""
    return CATALOGS / name


def inventory(name: str) -> Path:
    """A shipped inventory or change file (``inventory("lab.yaml")``)."""
    return INVENTORIES / name
