"""Every check of catalogs/health-checks.yaml evaluated on real replies (tests/data/health, lab/devices) and on
edited copies for the statuses the real ones do not show. Each case names its edit. Checks with no warning level
(a major alarm, a failed fan ...) have no warning case; the reachability check is never unknown (it is what the
collection reports)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from health_helpers import (
    ALARMS,
    BGP,
    CLUSTER,
    COMMITS,
    CORES,
    ENV,
    FPC,
    IFACES,
    LICENSE,
    NTP,
    OSPF,
    RE,
    STORAGE,
    SYSTEM_ALARMS,
    UPTIME,
    VC,
    device_folder,
    edited,
    lab_reply,
    results,
    sample,
)

from analyzers.health.checks import evaluate_device, evaluate_snapshot, unreachable
from analyzers.health.thresholds import load_thresholds

Replies = Callable[[], dict[str, str]]
RPC_ERROR = ("<rpc-reply><rpc-error><error-type>protocol</error-type><error-tag>operation-failed</error-tag>"
             "<error-severity>error</error-severity><error-message>syntax error</error-message></rpc-error>"
             "</rpc-reply>")


@dataclass(frozen=True)
class Case:
    check: str
    status: str
    replies: Replies
    value: float | None = None
    family: str | None = None
    role: str | None = None
    detail: str = ""  # a piece of text the detail must contain

    @property
    def id(self) -> str:
        return f"{self.check}-{self.status}" + (f"-{self.family}" if self.family else "") + (
            f"-{self.role}" if self.role else "")


def re_dual(*edits: tuple[str, str]) -> dict[str, str]:
    return {RE: edited(sample("re-dual.xml"), *edits)}


def env(name: str, *edits: tuple[str, str]) -> dict[str, str]:
    return {ENV: edited(sample(name), *edits)}


def item_status(text: str, name: str, status: str) -> str:
    """An environment reply with the status of item ``name`` replaced."""
    start = text.index(f"<name>{name}</name>")
    end = text.index("</environment-item>", start)
    return text[:start] + re.sub(r"<status>\w+</status>", f"<status>{status}</status>", text[start:end], count=1) \
        + text[end:]


def ex_interfaces(*edits: tuple[str, str]) -> dict[str, str]:
    return {IFACES: edited(lab_reply("ex4200-vc", IFACES), *edits)}


def me0(field: str, value: int) -> tuple[str, str]:
    """Edit a counter of me0 (the real sample has 1206 input errors in 21.9 M packets)."""
    text = lab_reply("ex4200-vc", IFACES)
    start = text.index("<name>me0</name>")
    old = re.search(rf"<{field}>\d+</{field}>", text[start:])
    assert old is not None
    return text[start:start + old.end()], text[start:start + old.start()] + f"<{field}>{value}</{field}>"


def all_flapped(seconds_ago: int) -> dict[str, str]:
    text = re.sub(r'<interface-flapped seconds="\d+">', f'<interface-flapped seconds="{seconds_ago}">',
                  lab_reply("ex4200-vc", IFACES))
    return {IFACES: text}


LICENSE_TEXT = "constructed/license-summary.xml"
CASES = [
    # routing engines
    Case("re-cpu", "ok", re_dual, 2.0),
    Case("re-cpu", "warning", lambda: re_dual(("<cpu-idle>98</cpu-idle>", "<cpu-idle>15</cpu-idle>")), 85.0),
    Case("re-cpu", "critical", lambda: {RE: sample("re-multi-chassis.xml")}, 100.0, detail="scc-re0 RE0 100%"),
    Case("re-cpu", "critical", lambda: {RE: sample("re-ex4200.xml")}, 100.0, family="ex"),
    Case("re-cpu", "warning", lambda: {RE: edited(sample("re-ex4200.xml"), ("<cpu-idle>0</cpu-idle>",
                                                                           "<cpu-idle>4</cpu-idle>"))}, 96.0,
         family="ex"),  # 96 % is critical by default, warning for the EX family
    Case("re-cpu", "critical", lambda: {RE: edited(sample("re-ex4200.xml"), ("<cpu-idle>0</cpu-idle>",
                                                                            "<cpu-idle>4</cpu-idle>"))}, 96.0),
    Case("re-memory", "ok", re_dual, 4.0),
    Case("re-memory", "ok", lambda: {RE: sample("re-srx-cluster.xml")}, 32.0),  # memory-system-total-util
    Case("re-memory", "warning", lambda: re_dual(("<memory-buffer-utilization>4<", "<memory-buffer-utilization>85<")),
         85.0),
    Case("re-memory", "critical", lambda: re_dual(("<memory-buffer-utilization>4<",
                                                   "<memory-buffer-utilization>93<")), 93.0),
    Case("re-memory", "unknown", lambda: {RE: re.sub(r"<memory-[a-z-]+>[^<]*</memory-[a-z-]+>", "",
                                                     sample("re-vsrx.xml"))}, detail="does not report"),
    Case("re-temperature", "ok", re_dual, 32.0),
    Case("re-temperature", "warning", lambda: re_dual(('celsius="32">32 degrees', 'celsius="78">78 degrees')), 78.0),
    Case("re-temperature", "critical", lambda: re_dual(('celsius="32">32 degrees', 'celsius="90">90 degrees')),
         90.0),
    Case("re-temperature", "unknown", lambda: {RE: sample("re-vsrx.xml")}, detail="does not report RE temperature"),
    Case("re-temperature", "ok", lambda: {RE: sample("re-srx-cluster.xml")}, 63.0, family="srx"),
    Case("re-temperature", "warning", lambda: {RE: edited(sample("re-srx-cluster.xml"), (
        'celsius="63">63 degrees', 'celsius="88">88 degrees'))}, 88.0, family="srx"),
    Case("re-temperature", "critical", lambda: {RE: edited(sample("re-srx-cluster.xml"), (
        'celsius="63">63 degrees', 'celsius="88">88 degrees'))}, 88.0),  # the same 88 °C without the SRX override
    Case("re-uptime", "ok", re_dual, 858408.0),
    Case("re-uptime", "warning", lambda: {RE: sample("re-vsrx.xml")}, 23370.0),  # rebooted 6.5 h before
    Case("re-uptime", "warning", lambda: {UPTIME: sample("uptime.xml")}, 14234.0, detail="system"),  # fallback
    Case("re-reboot-reason", "ok", re_dual, 0.0, detail="normal shutdown"),
    Case("re-reboot-reason", "ok", lambda: {RE: sample("re-vmhost.xml")}, 0.0),  # VJUNOS reboot is normal
    Case("re-reboot-reason", "warning", lambda: re_dual(("Router rebooted after a normal shutdown.",
                                                         "0x10:watchdog timer expired")), 1.0, detail="watchdog"),
    Case("re-reboot-reason", "unknown", lambda: {RE: re.sub(r"<last-reboot-reason>[^<]*</last-reboot-reason>", "",
                                                            sample("re-dual.xml"))}, detail="no last reboot reason"),
    Case("re-redundancy", "ok", re_dual, 0.0),
    Case("re-redundancy", "ok", lambda: {RE: sample("re-mx-vc.xml")}, 0.0),  # mastership per VC member
    Case("re-redundancy", "warning", lambda: re_dual((
        "<mastership-priority>backup (default)</mastership-priority>\n            <status>OK</status>",
        "<mastership-priority>backup (default)</mastership-priority>\n            <status>Failed</status>")),
         1.0, detail="RE1 status Failed"),
    Case("re-redundancy", "critical", lambda: re_dual(("<mastership-state>backup</mastership-state>",
                                                       "<mastership-state>master</mastership-state>")), 2.0,
         detail="2 master REs"),
    # alarms
    Case("chassis-alarms-major", "ok", lambda: {ALARMS: sample("alarms-chassis.xml")}, 0.0),
    Case("chassis-alarms-major", "critical", lambda: {ALARMS: edited(sample("alarms-chassis.xml"), (
        "<alarm-class>Minor</alarm-class>", "<alarm-class>Major</alarm-class>"))}, 1.0, detail="Plane 0 not online"),
    Case("chassis-alarms-minor", "ok", lambda: {ALARMS: sample("alarms-none.xml")}, 0.0),
    Case("chassis-alarms-minor", "warning", lambda: {ALARMS: sample("alarms-chassis.xml")}, 1.0,
         detail="counts 2 active alarms but lists 1"),
    Case("system-alarms-major", "ok", lambda: {SYSTEM_ALARMS: sample("alarms-text.xml")}, 0.0),
    Case("system-alarms-major", "critical", lambda: {SYSTEM_ALARMS: edited(sample("alarms-text.xml"), (
        "UTC  Minor", "UTC  Major"))}, 1.0),
    Case("system-alarms-minor", "ok", lambda: {SYSTEM_ALARMS: sample("alarms-none.xml")}, 0.0),
    Case("system-alarms-minor", "warning", lambda: {SYSTEM_ALARMS: sample("alarms-text.xml")}, 1.0,
         detail="Rescue configuration is not set"),
    # environment
    Case("fans", "ok", lambda: env("env-mx10003.xml"), 0.0, detail="16 fans OK"),
    Case("fans", "ok", lambda: env("env-srx-cluster.xml"), 0.0),
    Case("fans", "critical", lambda: {ENV: item_status(sample("env-mx10003.xml"), "Fan Tray 0 Fan 1", "Failed")},
         1.0, detail="Fan Tray 0 Fan 1 Failed"),
    Case("power-supplies", "ok", lambda: env("env-mx10003.xml"), 0.0),
    Case("power-supplies", "critical", lambda: {ENV: item_status(sample("env-mx10003.xml"), "PEM 3", "Check")},
         1.0, detail="PEM 3 Check"),
    Case("power-supplies", "unknown", lambda: env("env-ex9208.xml"), detail="lists no power supplies"),  # real
    Case("temperature-sensors", "ok", lambda: env("env-ex9208.xml"), 0.0, detail="absent"),
    Case("temperature-sensors", "warning", lambda: {ENV: item_status(sample("env-ex9208.xml"), "CB 0 Intake",
                                                                     "Check")}, 1.0),
    Case("temperature-sensors", "critical", lambda: {ENV: item_status(item_status(
        sample("env-ex9208.xml"), "CB 0 Intake", "Check"), "CB 0 XF A", "Check")}, 2.0),
    # FPCs
    Case("fpc-state", "ok", lambda: {FPC: sample("fpc.xml")}, 0.0, detail="1 FPC(s) online"),
    Case("fpc-state", "critical", lambda: {FPC: edited(sample("fpc.xml"), ("<state>Online</state>",
                                                                            "<state>Offline</state>"))}, 1.0),
    Case("fpc-cpu", "ok", lambda: {FPC: sample("fpc.xml")}, 10.0),
    Case("fpc-cpu", "warning", lambda: {FPC: edited(sample("fpc.xml"), ("<cpu-total>10<", "<cpu-total>85<"))}, 85.0),
    Case("fpc-cpu", "critical", lambda: {FPC: edited(sample("fpc.xml"), ("<cpu-total>10<", "<cpu-total>97<"))},
         97.0),
    Case("fpc-cpu", "unknown", lambda: {FPC: edited(sample("fpc.xml"), ("<cpu-total>10</cpu-total>", ""))},
         detail="does not report FPC CPU"),
    Case("fpc-memory", "ok", lambda: {FPC: sample("fpc.xml")}, 7.0),
    Case("fpc-memory", "warning", lambda: {FPC: edited(sample("fpc.xml"), ("heap-utilization>7<",
                                                                            "heap-utilization>85<"))}, 85.0),
    Case("fpc-memory", "critical", lambda: {FPC: edited(sample("fpc.xml"), ("heap-utilization>7<",
                                                                             "heap-utilization>95<"))}, 95.0),
    # system
    Case("storage", "ok", lambda: {STORAGE: sample("storage-linux.xml")}, 1.0),
    Case("storage", "ok", lambda: {STORAGE: lab_reply("vqfx-leaf01", STORAGE)}, 27.0),  # 100 % images ignored
    Case("storage", "warning", lambda: {STORAGE: edited(sample("storage-linux.xml"), (
        "<used-percent> 1</used-percent>", "<used-percent> 85</used-percent>"))}, 85.0),
    Case("storage", "critical", lambda: {STORAGE: lab_reply("vmx-degraded", STORAGE)}, 97.0, detail="/var 97%"),
    Case("storage", "unknown", lambda: {STORAGE: edited(sample("storage-linux.xml"), (
        "<mounted-on>/data/config</mounted-on>", "<mounted-on>/packages/mnt/jbase</mounted-on>"))},
         detail="no writable filesystem"),
    Case("core-dumps", "ok", lambda: {CORES: sample("cores-none.xml")}, 0.0),
    Case("core-dumps", "warning", lambda: {CORES: lab_reply("mx960-degraded", CORES)}, 1.0, detail="core.rpd"),
    Case("config-recent-change", "ok", lambda: {COMMITS: sample("constructed/commit-information.xml"),
                                                UPTIME: sample("uptime.xml")}, detail="by netops (commit history)"),
    Case("config-recent-change", "warning", lambda: {UPTIME: sample("uptime.xml")}, 3.9,
         detail="uptime: last configured"),  # real: configured 3.9 h before the device's clock
    Case("config-recent-change", "unknown", lambda: {UPTIME: lab_reply("mx960", UPTIME)},
         detail="no last configured time"),
    # The lab MX960's clock says 2016-12-31; its commit history (borrowed from napalm) says 2017-10-29.
    Case("config-recent-change", "unknown", lambda: {UPTIME: lab_reply("mx960", UPTIME),
                                                     COMMITS: lab_reply("mx960", COMMITS)},
         detail="is later than the device's clock (2016-12-31 15:15 UTC): one of them is wrong"),
    Case("ntp", "ok", lambda: {NTP: sample("constructed/ntp-associations.xml")}, 1.0, detail="192.0.2.10"),
    Case("ntp", "warning", lambda: {NTP: sample("constructed/ntp-associations-text.xml")}, 0.0,
         detail="no system peer"),
    Case("ntp", "ok", lambda: {NTP: RPC_ERROR, UPTIME: sample("uptime.xml")}, 1.0, detail="NTP CLOCK"),
    Case("ntp", "warning", lambda: {UPTIME: lab_reply("mx960", UPTIME)}, 0.0, detail="LOCAL CLOCK"),
    Case("license-usage", "ok", lambda: {LICENSE: edited(sample(LICENSE_TEXT), ("<needed>2</needed>",
                                                                                "<needed>0</needed>"))}, 0.0),
    Case("license-usage", "warning", lambda: {LICENSE: sample(LICENSE_TEXT)}, 1.0, detail="logical-system"),
    Case("license-expiry", "critical", lambda: {LICENSE: sample(LICENSE_TEXT)}, detail="idp-sig"),  # expired 2018
    Case("license-expiry", "warning", lambda: {LICENSE: edited(sample(LICENSE_TEXT), (
        "<used-licensed>1</used-licensed>", "<used-licensed>0</used-licensed>"))}, 29.8),
    Case("license-expiry", "ok", lambda: {LICENSE: edited(sample(LICENSE_TEXT), (
        "<used-licensed>1</used-licensed>", "<used-licensed>0</used-licensed>"), (
        'seconds="2572880">29 days', 'seconds="8640000">100 days'))}, 100.0),
    # interfaces
    Case("interface-errors", "ok", ex_interfaces, 0.0055, detail="me0 1206 errors"),
    Case("interface-errors", "warning", lambda: ex_interfaces(me0("input-errors", 5000)), 0.0228),
    Case("interface-errors", "critical", lambda: ex_interfaces(me0("input-errors", 50000)), 0.2277),
    Case("interface-errors", "unknown", lambda: {IFACES: lab_reply("vmx", IFACES)}, detail="not the extensive form"),
    Case("interface-drops", "ok", ex_interfaces, 0.0, detail="no drops"),
    Case("interface-drops", "warning", lambda: ex_interfaces(me0("input-drops", 50000)), 0.2277),
    Case("interface-drops", "critical", lambda: ex_interfaces(me0("input-drops", 500000)), 2.2317),
    Case("interface-flaps", "ok", ex_interfaces, 0.0),
    Case("interface-flaps", "warning", lambda: {IFACES: lab_reply("mx960", IFACES)}, 3.0, detail="ge-5/0/1"),
    Case("interface-flaps", "ok", lambda: {IFACES: lab_reply("vqfx-leaf01", IFACES),
                                           RE: lab_reply("vqfx-leaf01", RE)}, 0.0, detail="booted"),  # boot, not flaps
    Case("interface-flaps", "critical", lambda: all_flapped(600)),
    Case("interface-flaps", "warning", lambda: all_flapped(600), role="access"),
    # routing protocols
    Case("bgp-peers-down", "ok", lambda: {BGP: sample("bgp-established.xml")}, 0.0, detail="4 peer(s) established"),
    Case("bgp-peers-down", "critical", lambda: {BGP: sample("bgp-active.xml")}, 1.0, detail="192.169.1.0 Active"),
    Case("bgp-peers-down", "ok", lambda: {BGP: "<rpc-reply><output>BGP is not running</output></rpc-reply>"}, 0.0,
         detail="not running"),
    Case("bgp-flaps", "ok", lambda: {BGP: sample("bgp-established.xml")}, 1.0),
    Case("bgp-flaps", "warning", lambda: {BGP: sample("bgp-active.xml")}, 11.0),
    Case("bgp-flaps", "critical", lambda: {BGP: edited(sample("bgp-active.xml"), ("<flap-count>11<",
                                                                                   "<flap-count>60<"))}, 60.0),
    Case("ospf-neighbours", "ok", lambda: {OSPF: lab_reply("vqfx-leaf01", OSPF)}, 0.0),
    Case("ospf-neighbours", "ok", lambda: {OSPF: lab_reply("vmx", OSPF)}, 0.0, detail="OSPF instance is not running"),
    Case("ospf-neighbours", "critical", lambda: {OSPF: edited(lab_reply("vqfx-leaf01", OSPF), (
        "<ospf-neighbor-state>Full<", "<ospf-neighbor-state>ExStart<"))}, 1.0, detail="10.0.0.21 on xe-0/0/0.0"),
    # high availability
    Case("virtual-chassis", "ok", lambda: {VC: lab_reply("ex4200-vc", VC)}, 0.0, detail="1 Backup prio 128"),
    Case("virtual-chassis", "critical", lambda: {VC: sample("vc.xml")}, 2.0, detail="member 1 NotPrsnt"),
    Case("virtual-chassis", "critical", lambda: {VC: sample("vc-dual-master.xml")}, 2.0, detail="2 master members"),
    Case("virtual-chassis", "critical", lambda: {VC: sample("vc-mmvc.xml")}, 1.0, detail="no backup member"),
    Case("virtual-chassis", "unknown", lambda: {VC: RPC_ERROR}, detail="request for virtual chassis information, "
                                                                        "or the feature is not enabled (it answered: "
                                                                        "syntax error)"),
    Case("chassis-cluster", "ok", lambda: {CLUSTER: edited(sample("cluster-node-lost.xml"), (
        "<redundancy-group-status>lost<", "<redundancy-group-status>secondary<"))}, 0.0),
    Case("chassis-cluster", "critical", lambda: {CLUSTER: sample("cluster-node-lost.xml")}, 1.0,
         detail="RG0 node1 lost"),
    Case("chassis-cluster", "critical", lambda: {CLUSTER: lab_reply("srx345-cluster", CLUSTER)}, 5.0,
         detail="monitor failures CS"),
    Case("chassis-cluster", "unknown", lambda: {CLUSTER: sample("cluster-not-enabled.xml")},
         detail="Chassis cluster is not enabled"),
    Case("cluster-failovers", "ok", lambda: {CLUSTER: sample("cluster-node-lost.xml")}, 1.0),
    Case("cluster-failovers", "warning", lambda: {CLUSTER: edited(sample("cluster-node-lost.xml"), (
        "failover-count>1<", "failover-count>4<"))}, 4.0),
    Case("cluster-failovers", "critical", lambda: {CLUSTER: edited(sample("cluster-node-lost.xml"), (
        "failover-count>1<", "failover-count>12<"))}, 12.0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_check_status(tmp_path: Path, case: Case) -> None:
    result = results(tmp_path, case.replies(), family=case.family, role=case.role)[case.check]
    assert result.status == case.status, result.detail
    if case.value is not None:
        assert result.value == pytest.approx(case.value, abs=0.06), result.detail
    assert case.detail in result.detail
    if case.status == "unknown":
        assert result.value is None and result.detail  # never a silent ok: the reason is given
    # The action is for a problem on the device; an unknown says which data was missing instead.
    assert bool(result.action) == (case.status in ("warning", "critical"))


def test_every_check_has_cases_for_its_levels() -> None:
    """Each check is exercised at every status its thresholds can produce (and unknown where it can be)."""
    covered = {(c.check, c.status) for c in CASES}
    for spec in load_thresholds().checks:
        if spec.id == "reachability":
            continue  # test_reachability below
        wanted = {"ok", "unknown"} | ({"warning"} if spec.warning is not None else set()) | (
            {"critical"} if spec.critical is not None else set())
        missing_reply = {"unknown"}  # test_every_check_is_unknown_without_its_reply covers this for all
        assert wanted - missing_reply <= {s for c, s in covered if c == spec.id}, spec.id


@pytest.mark.parametrize("check", [c.id for c in load_thresholds().checks if c.id != "reachability"])
def test_every_check_is_unknown_without_its_reply(tmp_path: Path, check: str) -> None:
    result = results(tmp_path, {})[check]
    assert result.status == "unknown" and result.value is None
    assert "not collected" in result.detail, result.detail


@pytest.mark.parametrize(("check", "shape"), [("virtual-chassis", "virtual_chassis"),
                                              ("chassis-cluster", "cluster"), ("cluster-failovers", "cluster")])
def test_cluster_and_vc_checks_do_not_apply_to_a_single_chassis(tmp_path: Path, check: str, shape: str) -> None:
    """The profile says single chassis: the check is ok with "not applicable", whatever the RPC answered; the same
    reply from a device whose profile is a virtual chassis and a cluster stays unknown."""
    rpc = VC if shape == "virtual_chassis" else CLUSTER
    answer = RPC_ERROR if shape == "virtual_chassis" else sample("cluster-not-enabled.xml")
    folder = device_folder(tmp_path / "single", {rpc: answer}, family="mx")
    profile = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    (folder / "profile.json").write_text(json.dumps({**profile, shape: False}), encoding="utf-8")
    result = {r.check: r for r in evaluate_snapshot(folder)}[check]
    assert (result.status, result.value, result.action) == ("ok", 0.0, "")
    assert result.detail.startswith("not applicable: ")
    assert results(tmp_path / "unknown", {rpc: answer})[check].status == "unknown"
    # A real cluster reply wins over a profile that says otherwise.
    if shape == "cluster":
        lost = device_folder(tmp_path / "lost", {CLUSTER: sample("cluster-node-lost.xml")}, family="srx")
        (lost / "profile.json").write_text(json.dumps({"family": "srx", "cluster": False}), encoding="utf-8")
        assert {r.check: r for r in evaluate_snapshot(lost)}["chassis-cluster"].status == "critical"


@pytest.mark.parametrize("check", ["fans", "power-supplies", "temperature-sensors"])
def test_environment_checks_do_not_apply_to_virtual_platforms(tmp_path: Path, check: str) -> None:
    for family in ("vmx", "vsrx", "vqfx"):
        result = results(tmp_path / family, {}, family=family)[check]
        assert (result.status, result.action) == ("ok", "") and "virtual platform" in result.detail
    assert results(tmp_path / "mx", {}, family="mx")[check].status == "unknown"


def test_error_answer_and_unreadable_reply_are_unknown_with_the_reason(tmp_path: Path) -> None:
    got = results(tmp_path, {RE: "<route-engine-information><route-engine>", ENV: RPC_ERROR})
    assert got["re-cpu"].status == "unknown" and "unreadable reply" in got["re-cpu"].detail
    assert got["fans"].status == "unknown"
    assert "does not support the request for environment information" in got["fans"].detail
    assert "it answered: syntax error" in got["fans"].detail and "bad element" not in got["fans"].detail


def test_reachability(tmp_path: Path) -> None:
    complete = results(tmp_path / "a", {RE: sample("re-dual.xml")})["reachability"]
    assert (complete.status, complete.value) == ("ok", 2.0)
    partial = results(tmp_path / "b", {RE: sample("re-dual.xml")},
                      collection_error=("disconnected", "the session closed after 3 replies"))["reachability"]
    assert (partial.status, partial.value) == ("warning", 1.0) and "session closed" in partial.detail
    spec = load_thresholds()
    lost = {r.check: r for r in unreachable("r9", "refused: 127.0.0.9:830 refused the connection", spec)}
    assert (lost["reachability"].status, lost["reachability"].value) == ("critical", 0.0)
    assert "refused the connection" in lost["reachability"].detail
    assert set(lost) == {c.id for c in spec.checks}  # every check still reported
    assert all(r.status == "unknown" and "not reached" in r.detail for k, r in lost.items() if k != "reachability")


def test_threshold_in_results_names_the_override(tmp_path: Path) -> None:
    got = results(tmp_path, {RE: sample("re-ex4200.xml")}, family="ex")["re-cpu"]
    assert got.threshold == {"direction": ">=", "warning": 90.0, "critical": 98.0, "unit": "%",
                             "override": "family ex"}
    assert got.reason and got.title == "Routing-engine CPU in use"


def test_evaluate_device_uses_the_given_profile(tmp_path: Path) -> None:
    """PHC's entry point: the profile it already built decides the family (and so the override)."""
    from msplus.records import DeviceProfile

    folder = tmp_path / "x"
    results(tmp_path, {RE: sample("re-ex4200.xml")}, name="x")  # writes the folder with family None
    profile = DeviceProfile(hostname="h", model="ex4200-48t", family="ex", version="13.3R2.2", evolved=False,
                            serial_number="s", routing_engines=2, uptime_seconds=None)
    by_profile = {r.check: r for r in evaluate_device(folder, profile)}
    assert by_profile["re-cpu"].threshold["override"] == "family ex"  # type: ignore[index]
    plain = {r.check: r for r in evaluate_snapshot(folder)}
    assert "override" not in plain["re-cpu"].threshold  # type: ignore[operator]
