"""Typed records of the health sweep: what each parser reads from one reply, and what the checks and the
comparison produce.

Parser outputs are frozen dataclasses, one family per RPC. Values a reply does not carry are None (a vSRX has no
RE slot, an EX4200 reports no CPU temperature): "not reported" is kept apart from zero. ``node`` is the
``re-name`` of a multi-routing-engine reply (re0/re1, node0/node1, fpc0...) or "" for a plain reply.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from msplus.kinds import HealthStatus

STATUSES = ("ok", "warning", "critical", "unknown")
RANK = {"ok": 0, "warning": 1, "critical": 2}  # unknown has no rank: it is neither better nor worse


# ---------------------------------------------------------------------------------------------- chassis

@dataclass(frozen=True, slots=True)
class RouteEngine:
    node: str
    slot: str | None
    mastership: str | None  # master | backup | None (single-RE platforms without <mastership-state>)
    status: str | None
    cpu_idle: float | None
    memory_percent: float | None  # memory-buffer-utilization
    temperature_c: float | None
    cpu_temperature_c: float | None
    uptime_seconds: int | None
    last_reboot_reason: str | None
    model: str | None

    @property
    def cpu_used(self) -> float | None:
        return None if self.cpu_idle is None else round(100.0 - self.cpu_idle, 1)

    @property
    def label(self) -> str:
        name = f"RE{self.slot}" if self.slot is not None else "RE"
        return f"{self.node} {name}" if self.node else name


@dataclass(frozen=True, slots=True)
class RouteEngines:
    engines: tuple[RouteEngine, ...]


@dataclass(frozen=True, slots=True)
class Alarm:
    node: str
    severity: str  # Major | Minor (alarm-class as reported)
    description: str
    type: str | None
    seconds: int | None  # when it was raised (epoch), if reported

    @property
    def key(self) -> str:
        """Identity across sweeps: where, how severe, what (the time is left out: it is when, not which)."""
        return " ".join(p for p in (self.node, self.severity, self.description) if p)


@dataclass(frozen=True, slots=True)
class Alarms:
    alarms: tuple[Alarm, ...]
    reported_count: int | None = None  # <active-alarm-count> (0 with <no-active-alarms/>)


@dataclass(frozen=True, slots=True)
class EnvironmentItem:
    node: str
    name: str
    kind: str | None  # Temp | Fans | Power | ... (<class>, carried over from the item before when absent)
    status: str | None
    celsius: float | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class Environment:
    items: tuple[EnvironmentItem, ...]


@dataclass(frozen=True, slots=True)
class Fpc:
    node: str
    slot: str
    state: str | None
    cpu_percent: float | None
    heap_percent: float | None
    buffer_percent: float | None
    celsius: float | None


@dataclass(frozen=True, slots=True)
class Fpcs:
    fpcs: tuple[Fpc, ...]


@dataclass(frozen=True, slots=True)
class VcMember:
    id: str
    status: str | None  # Prsnt | NotPrsnt | ...
    role: str | None  # Master | Backup | Linecard (the '*' of the member we are connected to removed)
    priority: int | None
    model: str | None
    serial: str | None


@dataclass(frozen=True, slots=True)
class VirtualChassis:
    members: tuple[VcMember, ...]
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterNode:
    name: str
    priority: int | None
    status: str | None  # primary | secondary | lost | disabled | ineligible | hold ...
    monitor_failures: str | None


@dataclass(frozen=True, slots=True)
class RedundancyGroup:
    id: str
    failover_count: int | None
    nodes: tuple[ClusterNode, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    cluster_id: str | None
    groups: tuple[RedundancyGroup, ...]


# ---------------------------------------------------------------------------------------------- system

@dataclass(frozen=True, slots=True)
class Uptime:
    node: str
    current_seconds: int | None  # the device's clock when it answered
    booted_seconds: int | None
    uptime_seconds: int | None
    last_configured_seconds: int | None
    last_configured_user: str | None
    time_source: str | None  # "NTP CLOCK", "LOCAL CLOCK", ...


@dataclass(frozen=True, slots=True)
class Uptimes:
    entries: tuple[Uptime, ...]


@dataclass(frozen=True, slots=True)
class Filesystem:
    node: str
    name: str
    mounted_on: str
    used_percent: float | None
    total_blocks: int | None
    available_blocks: int | None


@dataclass(frozen=True, slots=True)
class Storage:
    filesystems: tuple[Filesystem, ...]


@dataclass(frozen=True, slots=True)
class CoreDump:
    node: str
    path: str
    size: int | None
    seconds: int | None


@dataclass(frozen=True, slots=True)
class CoreDumps:
    files: tuple[CoreDump, ...]


@dataclass(frozen=True, slots=True)
class Commit:
    sequence: int | None
    user: str | None
    client: str | None
    seconds: int | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class Commits:
    commits: tuple[Commit, ...]


@dataclass(frozen=True, slots=True)
class NtpPeer:
    address: str
    refid: str | None
    stratum: int | None
    tally: str  # "*" system peer, "+" candidate, " " rejected ...
    reach: str | None
    offset_ms: float | None


@dataclass(frozen=True, slots=True)
class Ntp:
    peers: tuple[NtpPeer, ...]


@dataclass(frozen=True, slots=True)
class LicenseFeature:
    name: str
    description: str | None
    used: int | None
    installed: int | None
    needed: int | None
    expiry_seconds: int | None  # end date (epoch), when reported
    remaining_seconds: int | None  # remaining validity, when reported instead
    permanent: bool


@dataclass(frozen=True, slots=True)
class Licenses:
    features: tuple[LicenseFeature, ...]


# ---------------------------------------------------------------------------------------------- network

@dataclass(frozen=True, slots=True)
class InterfaceCounters:
    name: str
    admin: str | None
    oper: str | None
    input_packets: int | None
    output_packets: int | None
    input_errors: int | None
    output_errors: int | None
    input_drops: int | None
    output_drops: int | None
    carrier_transitions: int | None
    flapped_seconds_ago: int | None  # from <interface-flapped seconds=...>; None when "Never"

    @property
    def errors(self) -> int:
        return (self.input_errors or 0) + (self.output_errors or 0)

    @property
    def drops(self) -> int:
        return (self.input_drops or 0) + (self.output_drops or 0)

    @property
    def packets(self) -> int:
        return (self.input_packets or 0) + (self.output_packets or 0)


@dataclass(frozen=True, slots=True)
class Interfaces:
    interfaces: tuple[InterfaceCounters, ...]


@dataclass(frozen=True, slots=True)
class BgpPeer:
    address: str
    peer_as: str | None
    state: str
    flaps: int | None
    elapsed_seconds: int | None  # time in the current state
    description: str | None


@dataclass(frozen=True, slots=True)
class Bgp:
    peers: tuple[BgpPeer, ...]
    running: bool = True
    note: str | None = None  # "BGP is not running" and similar answers in <output>


@dataclass(frozen=True, slots=True)
class OspfNeighbor:
    address: str
    interface: str | None
    state: str
    neighbor_id: str | None
    up_seconds: int | None


@dataclass(frozen=True, slots=True)
class Ospf:
    neighbors: tuple[OspfNeighbor, ...]
    running: bool = True
    note: str | None = None


# ---------------------------------------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check evaluated for one device. ``value`` is what was measured (None when unknown), ``threshold`` the
    limits that applied (after family and role overrides), ``detail`` says what was seen or why it is unknown."""

    device: str
    check: str
    status: HealthStatus
    value: float | None
    threshold: dict[str, Any] | None
    action: str
    detail: str
    title: str = ""
    reason: str = ""
    unit: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between a device's previous sweep and this one."""

    device: str
    kind: str
    before: Any
    after: Any
    detail: str
    check: str | None = None
    diff: tuple[str, ...] = ()  # config_changed: the set-line diff ("- set ..." removed, "+ set ..." added)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
