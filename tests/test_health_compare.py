"""Comparing a device with its previous sweep: every kind of change, from real replies and edits of them; and what
must not be reported (a reply missing this time is not "cleared", a counter that was cleared is not growth)."""

from __future__ import annotations

import json
from pathlib import Path

from health_helpers import (
    ALARMS,
    BGP,
    CORES,
    IFACES,
    OSPF,
    RE,
    SYSTEM_ALARMS,
    UPTIME,
    device_folder,
    edited,
    lab_reply,
    sample,
)

from analyzers.health.checks import evaluate
from analyzers.health.compare import WORSE, DeviceState, compare, state_of, unreachable_state
from analyzers.health.device import read_device
from analyzers.health.records import Change
from analyzers.health.thresholds import load_thresholds

HOUR = 3600.0
BASE = {RE: sample("re-dual.xml"), UPTIME: lab_reply("mx960", UPTIME), ALARMS: sample("alarms-none.xml"),
        SYSTEM_ALARMS: sample("alarms-text.xml"), CORES: sample("cores-none.xml"),
        BGP: sample("bgp-established.xml"), OSPF: lab_reply("vqfx-leaf01", OSPF),
        IFACES: lab_reply("ex4200-vc", IFACES)}
CONFIG = "system {\n    host-name r1;\n}\n"


def state(tmp_path: Path, name: str, replies: dict[str, str], *, at: float, config: str = CONFIG) -> DeviceState:
    folder = device_folder(tmp_path / name, replies, name="r1", config=config)
    health = read_device(folder)
    return state_of(health, evaluate(health, load_thresholds()), at)


def kinds(changes: list[Change]) -> list[str]:
    return sorted(c.kind for c in changes)


def diff(before: DeviceState, after: DeviceState) -> list[Change]:
    return compare(before, before, after, load_thresholds().comparison)


def test_nothing_changed(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    after = state(tmp_path, "b", BASE, at=HOUR)
    assert diff(before, after) == []
    assert compare(None, None, after, load_thresholds().comparison) == []  # first sweep of a device


def test_alarms_raised_and_cleared(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    after = state(tmp_path, "b", {**BASE, ALARMS: sample("alarms-chassis.xml"), SYSTEM_ALARMS:
                                  sample("alarms-none.xml")}, at=HOUR)
    changes = diff(before, after)
    assert kinds(changes) == ["alarm_cleared", "new_alarm", "status_better", "status_worse"]
    new = next(c for c in changes if c.kind == "new_alarm")
    assert (new.before, new.after) == (None, "chassis: Minor Plane 0 not online")
    cleared = next(c for c in changes if c.kind == "alarm_cleared")
    assert cleared.before == "system: Minor Rescue configuration is not set"
    worse = next(c for c in changes if c.kind == "status_worse")
    assert (worse.check, worse.before, worse.after) == ("chassis-alarms-minor", "ok", "warning")


def test_a_missing_reply_is_not_a_cleared_alarm_or_a_lost_neighbour(tmp_path: Path) -> None:
    before = state(tmp_path, "a", {**BASE, ALARMS: sample("alarms-chassis.xml")}, at=0)
    partial = {k: v for k, v in BASE.items() if k not in (ALARMS, BGP, OSPF, CORES, IFACES)}
    after = state(tmp_path, "b", partial, at=HOUR)
    assert not [c for c in diff(before, after) if c.kind in ("alarm_cleared", "neighbour_lost")]


def test_reboot_uptime_went_down(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    # edit: both REs and the uptime reply say the device has been up 10 minutes
    rebooted = {**BASE, RE: sample("re-dual.xml").replace('seconds="858432"', 'seconds="600"').replace(
        'seconds="858408"', 'seconds="600"'), UPTIME: lab_reply("mx960", UPTIME).replace('seconds="858432"',
                                                                                          'seconds="600"')}
    changes = diff(before, state(tmp_path, "b", rebooted, at=HOUR))
    reboot = next(c for c in changes if c.kind == "reboot")
    assert (reboot.before, reboot.after) == (858408, 600)


def test_reboot_seen_from_the_boot_time_when_uptime_grew_past_the_old_one(tmp_path: Path) -> None:
    """A sweep a long time after the last: uptime is larger than before, yet the device booted again."""
    before = state(tmp_path, "a", BASE, at=0)
    clock = 1483197309 + 30 * 86400  # the device's clock a month later; it rebooted 20 days ago
    later_uptime = lab_reply("mx960", UPTIME).replace('seconds="1483197309"', f'seconds="{clock}"').replace(
        'seconds="858432"', f'seconds="{20 * 86400}"')
    later_re = sample("re-dual.xml").replace('seconds="858432"', f'seconds="{20 * 86400}"').replace(
        'seconds="858408"', f'seconds="{20 * 86400}"')
    after = state(tmp_path, "b", {**BASE, UPTIME: later_uptime, RE: later_re}, at=30 * 86400)
    assert "reboot" in kinds(diff(before, after))
    # the same month without a reboot: uptime grew with the clock, no change
    steady_uptime = lab_reply("mx960", UPTIME).replace('seconds="1483197309"', f'seconds="{clock}"').replace(
        'seconds="858432"', f'seconds="{858432 + 30 * 86400}"')
    steady_re = sample("re-dual.xml").replace('seconds="858432"', f'seconds="{858432 + 30 * 86400}"').replace(
        'seconds="858408"', f'seconds="{858408 + 30 * 86400}"')
    steady = state(tmp_path, "c", {**BASE, UPTIME: steady_uptime, RE: steady_re}, at=30 * 86400)
    assert "reboot" not in kinds(diff(before, steady))


def test_new_core_dump(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    after = state(tmp_path, "b", {**BASE, CORES: lab_reply("mx960-degraded", CORES)}, at=HOUR)
    core = next(c for c in diff(before, after) if c.kind == "new_core_dump")
    assert core.after == "/var/crash/core.rpd.testnode-b.1483189000.0.gz"


def test_neighbours_lost_and_restored(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    # edit: one BGP peer Established -> Active, one OSPF neighbour Full -> Init
    down = {**BASE, BGP: edited(sample("bgp-established.xml"), ('<peer-state format="Establ">Established',
                                                                '<peer-state>Active')),
            OSPF: edited(lab_reply("vqfx-leaf01", OSPF), ("<ospf-neighbor-state>Full<",
                                                          "<ospf-neighbor-state>Init<"))}
    after = state(tmp_path, "b", down, at=HOUR)
    lost = [c for c in diff(before, after) if c.kind == "neighbour_lost"]
    assert sorted(c.detail for c in lost) == ["bgp 10.92.51.2 was Established, now Active",
                                              "ospf 10.0.0.21 was Full, now Init"]
    restored = [c for c in diff(after, before) if c.kind == "neighbour_restored"]
    assert len(restored) == 2
    # a peer that disappeared from the reply is lost too
    gone = {**BASE, BGP: sample("bgp-active.xml")}
    missing = [c for c in diff(before, state(tmp_path, "c", gone, at=HOUR)) if c.kind == "neighbour_lost"]
    assert any(c.after == "absent" for c in missing)


def test_configuration_changed(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    after = state(tmp_path, "b", BASE, at=HOUR, config=CONFIG.replace("r1", "r1-new"))
    [change] = [c for c in diff(before, after) if c.kind == "config_changed"]
    assert change.before != change.after
    assert change.diff == ("- set system host-name r1", "+ set system host-name r1-new")
    assert change.detail == "the configuration changed: 1 line(s) added, 1 removed"
    # The earlier sweep's snapshot was pruned: the change is still reported, and says why there is no diff.
    import shutil

    shutil.rmtree(tmp_path / "a")
    [pruned] = [c for c in diff(before, after) if c.kind == "config_changed"]
    assert pruned.diff == () and "no longer kept" in pruned.detail


def test_counters_growing_faster_than_the_limit(tmp_path: Path) -> None:
    before = state(tmp_path, "a", BASE, at=0)
    # edit: me0 input errors 1206 -> 1906 in half an hour (1400/h, limit 100/h); ge-0/0/0 carrier transitions
    # 15 -> 19 (8/h, limit 6/h)
    grown = lab_reply("ex4200-vc", IFACES).replace("<input-errors>1206</input-errors>",
                                                   "<input-errors>1906</input-errors>")
    grown = grown.replace("<carrier-transitions>15</carrier-transitions>", "<carrier-transitions>19</carrier-"
                                                                           "transitions>", 1)
    changes = diff(before, state(tmp_path, "b", {**BASE, IFACES: grown}, at=HOUR / 2))
    errors = next(c for c in changes if c.kind == "errors_increasing")
    assert (errors.before, errors.after) == (1206, 1906) and "me0" in errors.detail and "1400/h" in errors.detail
    flap = next(c for c in changes if c.kind == "flapping")
    assert (flap.before, flap.after) == (15, 19) and flap.detail.startswith("ge-0/0/0: carrier transitions +4")
    assert "8/h, limit 6/h" in flap.detail
    # slow growth is not reported; a cleared (lower) counter is not growth
    slow = lab_reply("ex4200-vc", IFACES).replace("<input-errors>1206<", "<input-errors>1250<")
    assert "errors_increasing" not in kinds(diff(before, state(tmp_path, "c", {**BASE, IFACES: slow}, at=HOUR)))
    cleared = lab_reply("ex4200-vc", IFACES).replace("<input-errors>1206<", "<input-errors>3<")
    assert "errors_increasing" not in kinds(diff(before, state(tmp_path, "d", {**BASE, IFACES: cleared}, at=HOUR)))


def test_unreachable_and_reachable_again_compare_with_the_last_reached_sweep(tmp_path: Path) -> None:
    spec = load_thresholds()
    reached = state(tmp_path, "a", BASE, at=0)
    lost = unreachable_state("r1", "refused: nothing listening", at=HOUR)
    [change] = compare(reached, reached, lost, spec.comparison)
    assert (change.kind, change.before, change.after) == ("unreachable", "reachable", "unreachable")
    assert "nothing listening" in change.detail
    assert compare(lost, reached, unreachable_state("r1", "refused", at=2 * HOUR), spec.comparison) == []
    back = state(tmp_path, "b", {**BASE, ALARMS: sample("alarms-chassis.xml")}, at=3 * HOUR)
    changes = compare(lost, reached, back, spec.comparison)
    assert kinds(changes)[:1] == ["new_alarm"] and "reachable_again" in kinds(changes)


def test_state_round_trips_through_json(tmp_path: Path) -> None:
    original = state(tmp_path, "a", {**BASE, ALARMS: sample("alarms-chassis.xml"),
                                     CORES: lab_reply("mx960-degraded", CORES)}, at=123.5)
    again = DeviceState.from_json(json.loads(json.dumps(original.to_json())))
    assert again == original
    assert again.alarms["chassis"] == ["Minor Plane 0 not online"] and again.core_dumps


def test_which_kinds_make_a_sweep_worse() -> None:
    assert {"new_alarm", "reboot", "new_core_dump", "neighbour_lost", "unreachable", "status_worse"} <= WORSE
    assert not {"alarm_cleared", "neighbour_restored", "reachable_again", "status_better", "config_changed"} & WORSE
