"""Chassis replies: routing engines, chassis and system alarms, environment, FPCs, virtual chassis, cluster."""

from __future__ import annotations

import re

from lxml import etree

from analyzers.health.parsers import (
    celsius,
    integer,
    local,
    nodes,
    number,
    output_text,
    parser,
    seconds,
    text,
)
from analyzers.health.records import (
    Alarm,
    Alarms,
    Cluster,
    ClusterNode,
    Environment,
    EnvironmentItem,
    Fpc,
    Fpcs,
    RedundancyGroup,
    RouteEngine,
    RouteEngines,
    VcMember,
    VirtualChassis,
)
from msplus.durations import text_seconds


@parser("get-route-engine-information")
def route_engines(root: etree._Element) -> RouteEngines:
    engines = []
    for node, eng in nodes(root, "route-engine"):
        uptime = eng.find("{*}up-time")
        engines.append(RouteEngine(
            node=node,
            slot=text(eng, "slot"),
            mastership=(text(eng, "mastership-state") or "").lower() or None,
            status=text(eng, "status"),
            cpu_idle=number(text(eng, "cpu-idle")),
            # branch SRX report system memory instead of the buffer utilisation
            memory_percent=number(text(eng, "memory-buffer-utilization") or text(eng, "memory-system-total-util")),
            temperature_c=celsius(eng.find("{*}temperature")),
            cpu_temperature_c=celsius(eng.find("{*}cpu-temperature")),
            uptime_seconds=_uptime(uptime),
            last_reboot_reason=text(eng, "last-reboot-reason"),
            model=text(eng, "model"),
        ))
    return RouteEngines(tuple(engines))


# Text form of "show system alarms" / "show chassis alarms" (some releases answer the RPC with <output> only).
_ALARM_LINE = re.compile(r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: \S+)?)\s+(?P<cls>Major|Minor)\s+(?P<text>.+)$")


@parser("get-alarm-information")
def chassis_alarms(root: etree._Element) -> Alarms:
    return _alarms(root)


@parser("get-system-alarm-information")
def system_alarms(root: etree._Element) -> Alarms:
    return _alarms(root)


def _alarms(root: etree._Element) -> Alarms:
    alarms: list[Alarm] = []
    counts: list[int] = []
    for node, info in nodes(root, "alarm-information"):
        count = integer(text(info, "alarm-summary/active-alarm-count"))
        if count is None and info.find("{*}alarm-summary/{*}no-active-alarms") is not None:
            count = 0
        if count is not None:
            counts.append(count)
        for detail in info.iter("{*}alarm-detail"):
            alarms.append(Alarm(node=node, severity=text(detail, "alarm-class") or "unknown",
                                description=text(detail, "alarm-description")
                                or text(detail, "alarm-short-description") or "",
                                type=text(detail, "alarm-type"), seconds=seconds(detail.find("{*}alarm-time"))))
    if not alarms and not counts:
        alarms, count_text = _alarms_from_text(output_text(root))
        counts = [count_text] if count_text is not None else []
    return Alarms(tuple(alarms), sum(counts) if counts else None)


def _alarms_from_text(output: str) -> tuple[list[Alarm], int | None]:
    alarms = []
    count = None
    for raw in output.splitlines():
        line = raw.strip()
        head = re.match(r"^(\d+) alarms? currently active", line)
        if head:
            count = int(head.group(1))
        elif re.match(r"^No alarms currently active", line):
            count = 0
        match = _ALARM_LINE.match(line)
        if match:
            alarms.append(Alarm(node="", severity=match.group("cls"), description=match.group("text").strip(),
                                type=None, seconds=None))
    return alarms, count


@parser("get-environment-information")
def environment(root: etree._Element) -> Environment:
    items = []
    for node, info in nodes(root, "environment-information"):
        kind = None  # Junos names the class on the first item of a run only; the next items share it
        for item in info.iter("{*}environment-item"):
            kind = text(item, "class") or kind
            items.append(EnvironmentItem(node=node, name=text(item, "name") or "", kind=kind,
                                         status=text(item, "status"), celsius=celsius(item.find("{*}temperature")),
                                         comment=text(item, "comment")))
    return Environment(tuple(items))


@parser("get-fpc-information")
def fpcs(root: etree._Element) -> Fpcs:
    found = []
    for node, fpc in nodes(root, "fpc"):
        if fpc.find("{*}slot") is None:
            continue
        found.append(Fpc(node=node, slot=text(fpc, "slot") or "", state=text(fpc, "state"),
                         cpu_percent=number(text(fpc, "cpu-total")),
                         heap_percent=number(text(fpc, "memory-heap-utilization")),
                         buffer_percent=number(text(fpc, "memory-buffer-utilization")),
                         celsius=celsius(fpc.find("{*}temperature"))))
    return Fpcs(tuple(found))


@parser("get-virtual-chassis-information")
def virtual_chassis(root: etree._Element) -> VirtualChassis:
    members = []
    for _, member in nodes(root, "member"):
        member_id = text(member, "member-id")
        if member_id is None:
            continue
        members.append(VcMember(id=member_id, status=text(member, "member-status"),
                                role=(text(member, "member-role") or "").rstrip("*") or None,
                                priority=integer(text(member, "member-priority")), model=text(member, "member-model"),
                                serial=text(member, "member-serial-number")))
    mode = next((text(el, "virtual-chassis-mode") for _, el in nodes(root, "virtual-chassis-id-information")), None)
    return VirtualChassis(tuple(members), mode)


@parser("get-chassis-cluster-status")
def cluster(root: etree._Element) -> Cluster:
    groups = []
    cluster_id = None
    for _, status in nodes(root, "chassis-cluster-status"):
        cluster_id = cluster_id or text(status, "cluster-id")
        for group in status.iter("{*}redundancy-group"):
            groups.append(RedundancyGroup(id=text(group, "redundancy-group-id") or "",
                                          failover_count=integer(text(group, "redundancy-group-failover-count")),
                                          nodes=_cluster_nodes(group.find("{*}device-stats"))))
    return Cluster(cluster_id, tuple(groups))


def _cluster_nodes(stats: etree._Element | None) -> tuple[ClusterNode, ...]:
    """device-stats is a flat run of fields, a new node starting at each <device-name>."""
    if stats is None:
        return ()
    found: list[dict[str, str]] = []
    for field in stats:
        if not isinstance(field.tag, str):
            continue
        name = local(field)
        value = (field.text or "").strip()
        if name == "device-name":
            found.append({"device-name": value})
        elif found:
            found[-1][name] = value
    return tuple(ClusterNode(name=n["device-name"], priority=integer(n.get("device-priority")),
                             status=n.get("redundancy-group-status") or None,
                             monitor_failures=n.get("monitor-failures") or None) for n in found)


def _uptime(el: etree._Element | None) -> int | None:
    """``junos:seconds``, else the text: a vSRX prints ``139 days, 3 hours, 12 minutes, 35 seconds`` alone."""
    if el is None:
        return None
    value = seconds(el)
    return value if value is not None else text_seconds(el.text)
