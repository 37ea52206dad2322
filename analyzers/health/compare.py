"""What changed on a device since its previous sweep.

Each sweep keeps a small state per device (DeviceState: alarms, core files, uptime and boot time, neighbour
states, configuration hash, interface counters, check statuses) in the history; the next sweep compares with it.
A part the current sweep could not read (reply missing) is None and never reads as "cleared" or "lost".

Kinds: new_alarm, alarm_cleared, reboot, new_core_dump, neighbour_lost, neighbour_restored, config_changed,
errors_increasing, drops_increasing, flapping, status_worse, status_better, unreachable, reachable_again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzers.health.device import DeviceHealth
from analyzers.health.indicators import INDICATORS
from analyzers.health.records import RANK, Alarms, Bgp, Change, CheckResult, CoreDumps, Interfaces, Ospf
from analyzers.health.thresholds import Comparison

# Changes that make a sweep's exit code 1 even when nothing is critical: something got worse since last time.
WORSE = frozenset({"new_alarm", "reboot", "new_core_dump", "neighbour_lost", "errors_increasing", "drops_increasing",
                   "flapping", "status_worse", "unreachable"})
REBOOT_SLACK = 300  # seconds of clock drift tolerated between the boot times of two sweeps
_UP = {"established", "full", "2way"}
_REACHABILITY = "reachability"


@dataclass(frozen=True)
class DeviceState:
    """What the next sweep compares with. None: not known in this sweep (never read as empty)."""

    device: str
    reachable: bool
    at: float  # when the sweep collected it (epoch seconds, wall clock)
    reason: str | None = None  # why it was not reachable
    alarms: dict[str, list[str]] = field(default_factory=dict)  # source -> alarm keys (sources read only)
    core_dumps: tuple[str, ...] | None = None
    uptime_seconds: int | None = None
    boot_seconds: int | None = None  # device clock - uptime, when the device's clock is known
    neighbours: dict[str, str] | None = None  # "bgp 10.0.0.1" -> Established
    config_sha256: str | None = None
    config_folder: str | None = None  # the snapshot folder holding that configuration (for the set-line diff)
    counters: dict[str, list[int]] | None = None  # interface -> [errors, drops, carrier transitions]
    statuses: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeviceState:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("core_dumps") is not None:
            values["core_dumps"] = tuple(values["core_dumps"])
        return cls(**values)


def state_of(health: DeviceHealth, results: Sequence[CheckResult], at: float) -> DeviceState:
    """The state of a device that was reached (possibly only part-way: what was not read stays None)."""
    uptime = INDICATORS["re.uptime_seconds"].read(health).value
    uptime_int = int(uptime) if uptime is not None else None
    boot = health.clock - uptime_int if health.device_clock and health.clock and uptime_int is not None else None
    return DeviceState(
        device=health.device, reachable=True, at=at, alarms=_alarms(health), core_dumps=_cores(health),
        uptime_seconds=uptime_int, boot_seconds=boot, neighbours=_neighbours(health),
        config_sha256=health.config_sha256, counters=_counters(health),
        config_folder=str(health.folder) if health.config_sha256 and health.folder else None,
        statuses={r.check: r.status for r in results},
    )


def unreachable_state(device: str, reason: str, at: float, results: Sequence[CheckResult] = ()) -> DeviceState:
    return DeviceState(device=device, reachable=False, at=at, reason=reason,
                       statuses={r.check: r.status for r in results})


def _alarms(h: DeviceHealth) -> dict[str, list[str]]:
    """Alarm keys per source (chassis, system); a source whose reply is missing is left out, not empty."""
    found: dict[str, list[str]] = {}
    for rpc, source in (("get-alarm-information", "chassis"), ("get-system-alarm-information", "system")):
        record: Alarms | None = h.get(rpc)
        if record is not None:
            found[source] = sorted({a.key for a in record.alarms})
    return found


def _cores(h: DeviceHealth) -> tuple[str, ...] | None:
    record: CoreDumps | None = h.get("get-system-core-dumps")
    return None if record is None else tuple(sorted({f"{c.node}:{c.path}" if c.node else c.path
                                                     for c in record.files}))


def _neighbours(h: DeviceHealth) -> dict[str, str] | None:
    bgp: Bgp | None = h.get("get-bgp-summary-information")
    ospf: Ospf | None = h.get("get-ospf-neighbor-information")
    if bgp is None and ospf is None:
        return None
    found: dict[str, str] = {}
    for peer in bgp.peers if bgp else ():
        found[f"bgp {peer.address}"] = peer.state
    for nbr in ospf.neighbors if ospf else ():
        found[f"ospf {nbr.address}"] = nbr.state
    return found


def _counters(h: DeviceHealth) -> dict[str, list[int]] | None:
    record: Interfaces | None = h.get("get-interface-information")
    if record is None:
        return None
    return {i.name: [i.errors, i.drops, i.carrier_transitions or 0] for i in record.interfaces}


# ---------------------------------------------------------------------------------------------- comparing

def compare(previous: DeviceState | None, last_reachable: DeviceState | None, current: DeviceState,
            comparison: Comparison) -> list[Change]:
    """Changes since ``previous`` (the device's last sweep). When the device was unreachable last time, its
    content is compared with ``last_reachable`` (the last sweep that reached it)."""
    if previous is None:
        return []  # first sweep of this device: nothing to compare with
    device = current.device
    if not current.reachable:
        if previous.reachable:
            return [Change(device, "unreachable", "reachable", "unreachable", current.reason or "not reached")]
        return []
    changes: list[Change] = []
    base = previous
    if not previous.reachable:
        changes.append(Change(device, "reachable_again", "unreachable", "reachable",
                              f"reached again (last sweep: {previous.reason or 'not reached'})"))
        if last_reachable is None:
            return changes
        base = last_reachable
    changes += _alarm_changes(base, current)
    changes += _core_changes(base, current)
    changes += _reboot(base, current)
    changes += _neighbour_changes(base, current)
    if base.config_sha256 and current.config_sha256 and base.config_sha256 != current.config_sha256:
        lines, why = config_diff(base.config_folder, current.config_folder)
        if why:
            detail = f"the configuration differs from the previous sweep's ({why})"
        else:
            added = sum(line.startswith("+") for line in lines)
            detail = f"the configuration changed: {added} line(s) added, {len(lines) - added} removed"
        changes.append(Change(device, "config_changed", base.config_sha256[:12], current.config_sha256[:12],
                              detail, diff=tuple(lines)))
    changes += _counter_changes(base, current, comparison)
    changes += _status_changes(base, current)
    return changes


def config_diff(before: str | None, after: str | None) -> tuple[list[str], str | None]:
    """The set-line diff between two sweeps' configurations (``- set ...`` removed, ``+ set ...`` added), or no
    lines and why (the earlier snapshot was pruned, a configuration cannot be read)."""
    from analyzers.cacr.review import diff_lines
    from msplus import junosconf
    from msplus.errors import AssessError

    if before is None or not Path(before).is_dir():
        return [], "the previous sweep's configuration is no longer kept, so no line diff"
    if after is None:
        return [], "this sweep's configuration is not readable, so no line diff"
    try:
        return [str(d) for d in diff_lines(junosconf.load(before), junosconf.load(after))], None
    except AssessError as exc:
        return [], f"no line diff: {exc}"


def _alarm_changes(before: DeviceState, now: DeviceState) -> list[Change]:
    changes = []
    for source in sorted(set(before.alarms) & set(now.alarms)):  # only sources read in both sweeps
        old, new = set(before.alarms[source]), set(now.alarms[source])
        changes += [Change(now.device, "new_alarm", None, f"{source}: {a}", f"{source} alarm raised: {a}")
                    for a in sorted(new - old)]
        changes += [Change(now.device, "alarm_cleared", f"{source}: {a}", None, f"{source} alarm cleared: {a}")
                    for a in sorted(old - new)]
    return changes


def _core_changes(before: DeviceState, now: DeviceState) -> list[Change]:
    if before.core_dumps is None or now.core_dumps is None:
        return []
    return [Change(now.device, "new_core_dump", None, path, f"new core file {path}")
            for path in sorted(set(now.core_dumps) - set(before.core_dumps))]


def _reboot(before: DeviceState, now: DeviceState) -> list[Change]:
    """Uptime went down, or (with the device's clock on both sides) the boot time moved on."""
    went_down = (before.uptime_seconds is not None and now.uptime_seconds is not None
                 and now.uptime_seconds < before.uptime_seconds)
    booted_again = (before.boot_seconds is not None and now.boot_seconds is not None
                    and now.boot_seconds > before.boot_seconds + REBOOT_SLACK)
    if not (went_down or booted_again):
        return []
    return [Change(now.device, "reboot", before.uptime_seconds, now.uptime_seconds,
                   f"uptime {before.uptime_seconds} s in the previous sweep, {now.uptime_seconds} s now: the device "
                   "(or a routing engine) rebooted")]


def _neighbour_changes(before: DeviceState, now: DeviceState) -> list[Change]:
    if before.neighbours is None or now.neighbours is None:
        return []
    changes = []
    for key, old in sorted(before.neighbours.items()):
        new = now.neighbours.get(key)
        if old.lower() in _UP and (new is None or new.lower() not in _UP):
            changes.append(Change(now.device, "neighbour_lost", old, new or "absent",
                                  f"{key} was {old}, now {new or 'no longer listed'}"))
        elif old.lower() not in _UP and new is not None and new.lower() in _UP:
            changes.append(Change(now.device, "neighbour_restored", old, new, f"{key} was {old}, now {new}"))
    return changes


def _counter_changes(before: DeviceState, now: DeviceState, limits: Comparison) -> list[Change]:
    if before.counters is None or now.counters is None:
        return []
    hours = max(now.at - before.at, 1.0) / 3600
    rules = ((0, "errors_increasing", "errors", limits.errors_per_hour),
             (1, "drops_increasing", "drops", limits.drops_per_hour),
             (2, "flapping", "carrier transitions", limits.carrier_transitions_per_hour))
    changes = []
    for name, counts in sorted(now.counters.items()):
        old = before.counters.get(name)
        if old is None:
            continue
        for index, kind, what, per_hour in rules:
            grew = counts[index] - old[index]
            if grew > 0 and grew / hours > per_hour:  # a counter that went down was cleared: not compared
                changes.append(Change(now.device, kind, old[index], counts[index],
                                      f"{name}: {what} +{grew} in {hours:.2f} h ({grew / hours:.0f}/h, limit "
                                      f"{per_hour:g}/h)"))
    return changes


def _status_changes(before: DeviceState, now: DeviceState) -> list[Change]:
    changes = []
    for check, new in now.statuses.items():
        old = before.statuses.get(check)
        if check == _REACHABILITY or old not in RANK or new not in RANK or old == new:
            continue
        kind = "status_worse" if RANK[new] > RANK[old] else "status_better"
        changes.append(Change(now.device, kind, old, new, f"{check}: {old} -> {new}", check=check))
    return changes
