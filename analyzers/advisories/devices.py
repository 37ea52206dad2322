"""The devices to match: from a snapshot folder (one sub-folder per device with profile.json and the configuration)
or from a CSV with columns ``name,model,version`` and an optional ``config`` (a configuration file, curly-brace,
set or XML form; relative paths are relative to the CSV file).
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from msplus.errors import InputError
from msplus.junos_release import ReleaseError, is_evolved, parse_release
from msplus.limits import limits
from msplus.textfile import read_text_within
from snapshots.reader import DeviceSnapshot


@dataclass(frozen=True, slots=True)
class Target:
    """What matching needs of one device. ``None`` means not known (a CSV says nothing of routing engines)."""

    name: str
    model: str | None
    version: str | None
    evolved: bool
    family: str | None = None
    routing_engines: int | None = None
    virtual_chassis: bool | None = None
    cluster: bool | None = None
    config: Path | None = None  # None: the configuration was not collected
    config_digest: str | None = None
    problems: tuple[str, ...] = ()
    # (slot, description, model number) of each line card, routing engine and other module in the chassis
    # inventory; None: the inventory was not collected (a CSV, an old snapshot), so module conditions stay open
    modules: tuple[tuple[str, str, str], ...] | None = None

    @property
    def product(self) -> str:
        return "junos-evolved" if self.evolved else "junos"

    def key(self) -> tuple[object, ...]:
        """Devices with the same key get the same verdicts: matching runs once per key."""
        return (self.evolved, self.model, self.family, self.version, self.routing_engines, self.virtual_chassis,
                self.cluster, self.config_digest, self.problems if not self.version else (), self.modules)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------- CSV

def from_csv(path: str | Path) -> list[Target]:
    """Read a devices CSV. Raises InputError (file, line, column name) for a missing column, an empty required cell,
    a duplicate name or a config file that does not exist. A release that is not a Junos release is that device's
    problem, not the file's: the Target keeps the text and names the place in ``problems`` (``release_problem``)."""
    p = Path(path)
    text = read_text_within(p, limits().csv_max_bytes, "CSV", encoding="utf-8-sig")
    reader = csv.reader(text.splitlines())
    header = [c.strip().lower() for c in next(reader, [])]
    missing = [c for c in ("name", "model", "version") if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} (expected name,model,version[,config])",
                         path=str(p), line=1)
    col: dict[str, int] = {c: header.index(c) for c in ("name", "model", "version", "config") if c in header}
    out: list[Target] = []
    seen: dict[str, int] = {}
    digests: dict[Path, str] = {}
    releases: dict[str, tuple[str, bool, str | None]] = {}  # a fleet repeats a few releases: parse each once
    families: dict[str, str | None] = {}
    configs: dict[str, Path | None] = {}
    for number, raw in enumerate(reader, start=2):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        row = {c: cells[i] if i < len(cells) else "" for c, i in col.items()}
        _check_row(row, seen, p, number)
        name = row["name"]
        seen[name] = number
        version = row["version"]
        if version not in releases:
            releases[version] = _read_release(version)
        text, evolved, problem = releases[version]
        config = None
        if row.get("config"):
            if row["config"] not in configs:  # a fleet shares a few configuration files: resolve each once
                resolved = (p.parent / row["config"]).resolve()
                configs[row["config"]] = resolved if resolved.is_file() else None
                if resolved.is_file() and resolved not in digests:
                    digests[resolved] = digest(resolved)
            config = configs[row["config"]]
            if config is None:
                raise InputError(f"configuration file {row['config']} does not exist (looked for "
                                 f"{(p.parent / row['config']).resolve()})", path=str(p), line=number, key="config")
        model = row["model"].lower()
        if model not in families:
            families[model] = _family(model)
        problems = (f"{RELEASE_PROBLEM}{p}:{number}: version: {problem}",) if problem else ()
        out.append(Target(name=name, model=model, version=text, evolved=evolved, family=families[model],
                          config=config, config_digest=digests.get(config) if config else None, problems=problems))
    return out


def _check_row(row: dict[str, str], seen: dict[str, int], path: Path, number: int) -> None:
    for column in ("name", "model", "version"):
        if not row[column]:
            raise InputError("empty value", path=str(path), line=number, key=column)
    if row["name"] in seen:
        raise InputError(f"duplicate device name (first on line {seen[row['name']]})", path=str(path), line=number,
                         key="name")


def _read_release(version: str) -> tuple[str, bool, str | None]:
    """(release text, evolved, problem): a release that does not parse keeps its text and says why."""
    try:
        release = parse_release(version)
    except ReleaseError as exc:
        return version, is_evolved(version), str(exc)
    return release.text, release.evolved, None


RELEASE_PROBLEM = "unreadable release: "


def release_problem(target: Target) -> str | None:
    """Where and why the device's release could not be read (a CSV cell), or None."""
    return next((p.removeprefix(RELEASE_PROBLEM) for p in target.problems if p.startswith(RELEASE_PROBLEM)), None)


def _family(model: str | None) -> str | None:
    from msplus.families import family_of

    return family_of(model) if model else None


# ---------------------------------------------------------------------------------------------- snapshot

def from_snapshot(folder: str | Path) -> list[Target]:
    """One Target per device sub-folder. A sub-folder with neither profile.json nor facts gives a Target with what
    is missing in ``problems`` (its verdicts are indeterminate), not an error."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError("not a snapshot folder", path=str(root))
    out = []
    with os.scandir(root) as entries:  # the entry knows whether it is a folder: no stat per device
        subs = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    for name in subs:
        out.append(_from_folder(root / name))
    if not out:
        raise InputError("no device folders in this snapshot", path=str(root))
    return out


def _from_folder(folder: Path) -> Target:
    snap = DeviceSnapshot.open(folder, build_missing_profile=True)
    profile = snap.profile
    config = snap.config_path()
    digest_ = digest(config) if config else None
    if profile is None:
        return Target(name=folder.name, model=None, version=None, evolved=False, config=config,
                      config_digest=digest_, problems=snap.profile_problems)
    version = profile.version
    return Target(
        name=folder.name,
        model=profile.model.lower() if profile.model else None,
        version=version,
        evolved=profile.evolved or (bool(version) and is_evolved(str(version))),
        family=profile.family,
        routing_engines=profile.routing_engines or None,
        virtual_chassis=profile.virtual_chassis,
        cluster=profile.cluster,
        config=config,
        config_digest=digest_,
        problems=profile.problems,
        modules=None if profile.modules is None else tuple(
            (m.slot, m.description or "", m.model_number or "") for m in profile.modules),
    )
