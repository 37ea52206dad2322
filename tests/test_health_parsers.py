"""Every health parser on real replies (tests/data/health and the lab's device folders; PROVENANCE.md there): the
values are the ones in the files, None where the reply does not carry a value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from health_helpers import (
    ALARMS,
    BGP,
    CLUSTER,
    COMMITS,
    CORES,
    DATA,
    ENV,
    FPC,
    IFACES,
    LAB,
    LICENSE,
    NTP,
    OSPF,
    RE,
    STORAGE,
    SYSTEM_ALARMS,
    UPTIME,
    VC,
    edited,
)

from analyzers.health.parsers import PARSERS, parse_reply
from analyzers.health.records import Alarms, Bgp, Environment, Interfaces, RouteEngines


def parse(rpc: str, source: Path | str) -> object:
    data = source.read_bytes() if isinstance(source, Path) else source.encode()
    return PARSERS[rpc](parse_reply(data, source=str(source)[:40]))


def test_every_plan_rpc_of_the_health_set_has_a_parser() -> None:
    from snapshots.plan import load_plan

    health = {r.rpc for r in load_plan(("health",))}
    assert health <= set(PARSERS)
    assert {RE, UPTIME, VC, CLUSTER} <= set(PARSERS)  # the facts replies the checks read too


def test_route_engines_dual_and_multi_chassis() -> None:
    dual: RouteEngines = parse(RE, DATA / "re-dual.xml")  # type: ignore[assignment]
    assert [(e.slot, e.mastership, e.cpu_used, e.memory_percent) for e in dual.engines] == [
        ("0", "master", 2.0, 4.0), ("1", "backup", 0.0, 4.0)]
    assert dual.engines[0].uptime_seconds == 858432
    assert dual.engines[0].last_reboot_reason == "Router rebooted after a normal shutdown."
    multi: RouteEngines = parse(RE, DATA / "re-multi-chassis.xml")  # type: ignore[assignment]
    assert [e.node for e in multi.engines][:3] == ["scc-re0", "scc-re0", "lcc0-re0"]
    assert multi.engines[0].cpu_used == 100.0 and multi.engines[0].temperature_c == 38.0
    assert multi.engines[0].cpu_temperature_c == 55.0 and multi.engines[0].label == "scc-re0 RE0"


def test_route_engines_platform_differences() -> None:
    vsrx: RouteEngines = parse(RE, DATA / "re-vsrx.xml")  # type: ignore[assignment]
    [engine] = vsrx.engines
    assert engine.slot is None and engine.mastership is None and engine.status == "Testing"
    assert engine.temperature_c is None and engine.cpu_used == 0.0  # not reported is None, not 0
    srx: RouteEngines = parse(RE, DATA / "re-srx-cluster.xml")  # type: ignore[assignment]
    assert srx.engines[0].node == "node0" and srx.engines[0].memory_percent == 32.0  # memory-system-total-util
    assert srx.engines[0].cpu_temperature_c == 63.0
    vmhost: RouteEngines = parse(RE, DATA / "re-vmhost.xml")  # type: ignore[assignment]
    assert vmhost.engines[0].last_reboot_reason == "0x4000:VJUNOS reboot"
    mx_vc: RouteEngines = parse(RE, DATA / "re-mx-vc.xml")  # type: ignore[assignment]
    assert {(e.node, e.slot, e.mastership) for e in mx_vc.engines} >= {("member0", "1", "master"),
                                                                         ("member1", "0", "master")}


def test_uptime() -> None:
    [entry] = parse(UPTIME, DATA / "uptime.xml").entries  # type: ignore[attr-defined]
    assert (entry.current_seconds, entry.booted_seconds, entry.uptime_seconds) == (1498780787, 1498766553, 14234)
    assert (entry.last_configured_seconds, entry.last_configured_user) == (1498766651, "root")
    assert entry.time_source == "NTP CLOCK"


def test_alarms_structured_text_and_none() -> None:
    chassis: Alarms = parse(ALARMS, DATA / "alarms-chassis.xml")  # type: ignore[assignment]
    [alarm] = chassis.alarms
    assert (alarm.severity, alarm.description, alarm.type, alarm.seconds) == ("Minor", "Plane 0 not online",
                                                                              "Chassis", 1532001817)
    assert chassis.reported_count == 2  # the (hand-edited) sample counts two: kept as reported
    none: Alarms = parse(ALARMS, DATA / "alarms-none.xml")  # type: ignore[assignment]
    assert none.alarms == () and none.reported_count == 0
    text: Alarms = parse(SYSTEM_ALARMS, DATA / "alarms-text.xml")  # type: ignore[assignment]
    assert [(a.severity, a.description) for a in text.alarms] == [("Minor", "Rescue configuration is not set")]
    assert text.reported_count == 1
    lab: Alarms = parse(SYSTEM_ALARMS, LAB / "vsrx-firefly" / "get-system-alarm-information.xml")  # type: ignore
    assert lab.alarms[0].seconds == 1397725761  # junos:seconds attribute


def test_environment_classes_carry_over_and_nodes() -> None:
    ex9208: Environment = parse(ENV, DATA / "env-ex9208.xml")  # type: ignore[assignment]
    cpu = next(i for i in ex9208.items if i.name == "Routing Engine 0 CPU")
    assert cpu.kind == "Temp" and cpu.celsius == 31.0  # no <class> of its own: the run's class
    assert sum(i.kind == "Fans" for i in ex9208.items) > 0
    assert next(i for i in ex9208.items if i.name == "PEM 3").status == "Absent"
    srx: Environment = parse(ENV, DATA / "env-srx-cluster.xml")  # type: ignore[assignment]
    fan = next(i for i in srx.items if i.name == "SRX340 Chassis fan 0")
    assert (fan.node, fan.kind, fan.status, fan.comment) == ("node0", "Fans", "OK", "Spinning at normal speed")
    assert {i.kind for i in srx.items} == {"Temp", "Fans", "Power"}


def test_fpcs() -> None:
    fpcs = parse(FPC, DATA / "fpc.xml").fpcs  # type: ignore[attr-defined]
    assert [(f.slot, f.state, f.cpu_percent, f.heap_percent) for f in fpcs] == [
        ("0", "Online", 10.0, 7.0), ("1", "Empty", None, None), ("2", "Empty", None, None)]
    assert fpcs[0].celsius is None  # <temperature celsius="0">Testing</temperature> is no reading


def test_storage_plain_multi_re_and_read_only_images() -> None:
    [fs] = parse(STORAGE, DATA / "storage-linux.xml").filesystems  # type: ignore[attr-defined]
    assert (fs.node, fs.name, fs.mounted_on, fs.used_percent) == ("re0", "/dev/sda6", "/data/config", 1.0)
    vqfx = parse(STORAGE, LAB / "vqfx-leaf01" / "get-system-storage.xml").filesystems  # type: ignore[attr-defined]
    assert any(f.mounted_on == "/packages/mnt/jbase" and f.used_percent == 100.0 for f in vqfx)
    assert next(f for f in vqfx if f.mounted_on == "/").used_percent == 27.0


def test_core_dumps_none_and_one() -> None:
    assert parse(CORES, DATA / "cores-none.xml").files == ()  # type: ignore[attr-defined]
    [core] = parse(CORES, LAB / "mx960-degraded" / "get-system-core-dumps.xml").files  # type: ignore[attr-defined]
    assert (core.path, core.size, core.seconds) == ("/var/crash/core.rpd.testnode-b.1483189000.0.gz", 3556567,
                                                    1483189000)
    # The other shape seen on devices: file-date holds the epoch as text and the format as an attribute.
    other = edited((DATA / "cores-none.xml").read_text(), (
        "</directory-list>",
        '<directory name="/var/tmp/"><file-information><file-name>rpd.core.0.gz</file-name><file-size>3556567'
        '</file-size><file-date format="Feb 1  21:37">1549057078</file-date></file-information></directory>'
        "</directory-list>"))
    [core] = parse(CORES, other).files  # type: ignore[attr-defined]
    assert (core.path, core.seconds) == ("/var/tmp/rpd.core.0.gz", 1549057078)


def test_interfaces_extensive_and_plain() -> None:
    extensive: Interfaces = parse(IFACES, LAB / "ex4200-vc" / "get-interface-information.xml")  # type: ignore
    me0 = next(i for i in extensive.interfaces if i.name == "me0")
    assert (me0.input_errors, me0.input_packets, me0.output_packets) == (1206, 20338808, 1572603)
    ge = next(i for i in extensive.interfaces if i.name == "ge-0/0/0")
    assert (ge.carrier_transitions, ge.flapped_seconds_ago, ge.admin, ge.oper) == (15, 17193266, "up", "up")
    assert not [i.name for i in extensive.interfaces if re.search(r"\.\d+$", i.name)]  # physical interfaces only
    plain: Interfaces = parse(IFACES, LAB / "vmx" / "get-interface-information.xml")  # type: ignore[assignment]
    assert plain.interfaces[0].input_errors is None  # counters absent from a non-extensive reply


def test_bgp_summary() -> None:
    active: Bgp = parse(BGP, DATA / "bgp-active.xml")  # type: ignore[assignment]
    assert [(p.address, p.state, p.flaps) for p in active.peers] == [
        ("10.3.1.254", "Established", 0), ("192.168.0.0", "Established", 1), ("192.169.1.0", "Active", 11)]
    assert active.peers[2].elapsed_seconds == 10808600 and active.running
    vmx: Bgp = parse(BGP, LAB / "vmx" / "get-bgp-summary-information.xml")  # type: ignore[assignment]
    assert vmx.peers[0].description == "TOR1CRP-SEC-FW01" and vmx.peers[0].elapsed_seconds == 350366
    not_running: Bgp = parse(BGP, "<rpc-reply><output>BGP is not running</output></rpc-reply>")  # type: ignore
    assert not not_running.running and not_running.note == "BGP is not running"


def test_ospf_neighbours_and_not_running() -> None:
    ospf = parse(OSPF, LAB / "vqfx-leaf01" / "get-ospf-neighbor-information.xml")
    assert [(n.address, n.interface, n.state, n.up_seconds) for n in ospf.neighbors] == [  # type: ignore
        ("10.0.0.21", "xe-0/0/0.0", "Full", 27082), ("10.0.0.22", "xe-0/0/1.0", "Full", 27083)]
    off = parse(OSPF, LAB / "vmx" / "get-ospf-neighbor-information.xml")
    assert off.running is False and off.note == "OSPF instance is not running"  # type: ignore[attr-defined]


def test_virtual_chassis_and_cluster() -> None:
    vc = parse(VC, DATA / "vc.xml").members  # type: ignore[attr-defined]
    assert [(m.id, m.status, m.role, m.priority) for m in vc] == [("0", "Prsnt", "Master", 129),
                                                                  ("1", "NotPrsnt", None, None)]
    lab = parse(VC, LAB / "ex4200-vc" / "get-virtual-chassis-information.xml")
    assert [m.role for m in lab.members] == ["Master", "Backup"] and lab.mode == "Enabled"  # type: ignore
    cluster = parse(CLUSTER, LAB / "srx345-cluster" / "get-chassis-cluster-status.xml")
    assert [g.id for g in cluster.groups] == ["0", "1", "3"]  # type: ignore[attr-defined]
    rg1 = cluster.groups[1]  # type: ignore[attr-defined]
    assert [(n.name, n.status, n.monitor_failures) for n in rg1.nodes] == [("node0", "primary", "CS"),
                                                                           ("node1", "lost", "n/a")]


def test_constructed_commit_ntp_licence() -> None:
    commits = parse(COMMITS, DATA / "constructed" / "commit-information.xml").commits  # type: ignore
    assert [(c.sequence, c.user, c.seconds) for c in commits] == [
        (0, "netops", 1483190000), (1, "root", 1482400000), (2, "root", 1480550400)]  # UTC text date read
    assert commits[0].comment == "CHG-1042 raise BGP hold time"
    ntp = parse(NTP, DATA / "constructed" / "ntp-associations.xml").peers  # type: ignore[attr-defined]
    assert [(p.address, p.tally, p.stratum) for p in ntp] == [("192.0.2.10", "*", 2), ("192.0.2.11", "+", 2)]
    text = parse(NTP, DATA / "constructed" / "ntp-associations-text.xml").peers  # type: ignore[attr-defined]
    assert [(p.address, p.tally, p.stratum, p.reach) for p in text] == [("192.0.2.10", " ", 16, "0"),
                                                                        ("192.0.2.11", "+", 2, "377")]
    features = parse(LICENSE, DATA / "constructed" / "license-summary.xml").features  # type: ignore
    assert [(f.name, f.used, f.installed, f.needed, f.permanent) for f in features] == [
        ("idp-sig", 1, 1, 0, False), ("logical-system", 3, 1, 2, True), ("Virtual Appliance", 1, 1, 0, False)]
    assert features[0].expiry_seconds == 1545696000 and features[2].remaining_seconds == 2572880


@pytest.mark.parametrize("rpc", sorted(PARSERS))
def test_parsers_read_an_empty_payload_as_nothing(rpc: str) -> None:
    """A reply of the right kind with nothing in it gives an empty record, not an exception or invented values."""
    record = parse(rpc, "<rpc-reply/>")
    values = [v for v in record.__dict__.values()] if hasattr(record, "__dict__") else [
        getattr(record, f) for f in record.__slots__]  # type: ignore[attr-defined]
    assert all(v in ((), None, True, False, 0) or v is None for v in values), values
