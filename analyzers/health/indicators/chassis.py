"""Chassis indicators: routing engines, alarms, environment, FPCs, virtual chassis, chassis cluster, reachability."""

from __future__ import annotations

from collections import defaultdict

from analyzers.health.device import DeviceHealth
from analyzers.health.indicators import Ignore, Reading, Unknown, fmt, ignored, indicator, listing, need
from analyzers.health.records import Alarms, Cluster, Environment, Fpcs, RouteEngine, RouteEngines, VirtualChassis

RE = "get-route-engine-information"
UPTIME = "get-system-uptime-information"
_OK_RE_STATUS = {"ok", "testing", "online", "present"}  # vSRX reports its single RE as "Testing"
_OK_ENV_STATUS = {"ok", "absent"}  # an empty slot is reported as Absent
_OK_FPC_STATE = {"online", "empty", "spare"}


def _engines(h: DeviceHealth) -> tuple[RouteEngine, ...]:
    record: RouteEngines = need(h, RE)
    if not record.engines:
        raise Unknown("the routing-engine reply lists no routing engine")
    return record.engines


def _max_of(h: DeviceHealth, values: list[tuple[str, float | None]], what: str, unit: str) -> Reading:
    known = [(label, v) for label, v in values if v is not None]
    if not known:
        raise Unknown(f"the platform does not report {what}")
    _, top = max(known, key=lambda lv: lv[1])
    return Reading(top, f"{what}: " + listing([f"{lbl} {fmt(v)}{unit}" for lbl, v in known]))


@indicator("re.cpu_used_percent", reads=(RE,), unit="%")
def re_cpu(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Routing-engine CPU in use (100 - idle), the busiest RE."""
    return _max_of(h, [(e.label, e.cpu_used) for e in _engines(h)], "RE CPU in use", "%")


@indicator("re.memory_used_percent", reads=(RE,), unit="%")
def re_memory(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Routing-engine memory utilisation, the fullest RE."""
    return _max_of(h, [(e.label, e.memory_percent) for e in _engines(h)], "RE memory in use", "%")


@indicator("re.temperature_celsius", reads=(RE,), unit="°C")
def re_temperature(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Highest routing-engine (board or CPU) temperature."""
    values: list[tuple[str, float | None]] = []
    for e in _engines(h):
        values += [(e.label, e.temperature_c), (f"{e.label} CPU", e.cpu_temperature_c)]
    return _max_of(h, values, "RE temperature", "°C")


@indicator("re.uptime_seconds", reads=(RE, UPTIME), unit="s")
def re_uptime(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Shortest routing-engine uptime (a recent reboot), else the system uptime."""
    record: RouteEngines | None = h.get(RE)
    known = [(e.label, e.uptime_seconds) for e in (record.engines if record else ()) if e.uptime_seconds is not None]
    if not known:
        uptimes = h.get(UPTIME)
        known = [(u.node or "system", u.uptime_seconds) for u in (uptimes.entries if uptimes else ())
                 if u.uptime_seconds is not None]
    if not known:
        raise Unknown(h.why(RE) if record is None else "no uptime in the routing-engine or uptime replies")
    _, low = min(known, key=lambda lv: lv[1])
    return Reading(float(low), "uptime: " + listing([f"{lbl} {_duration(v)}" for lbl, v in known]))


@indicator("re.abnormal_reboots", reads=(RE,))
def re_reboots(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Routing engines whose last reboot reason is not a normal one (the check's ignore list names the normal ones)."""
    reasons = [(e.label, e.last_reboot_reason) for e in _engines(h) if e.last_reboot_reason]
    if not reasons:
        raise Unknown("the routing-engine reply gives no last reboot reason")
    odd = [f"{label}: {reason}" for label, reason in reasons if not ignored(reason, ignore)]
    seen = listing([f"{label}: {reason}" for label, reason in reasons])
    return Reading(float(len(odd)), ("unexpected: " + listing(odd)) if odd else f"normal reboots ({seen})")


@indicator("re.mastership_problems", reads=(RE,))
def re_mastership(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Routing-engine redundancy problems: an RE in a bad state, no master, two masters, no backup."""
    by_node: dict[str, list[RouteEngine]] = defaultdict(list)
    for e in _engines(h):
        by_node[e.node].append(e)
    problems = [f"{e.label} status {e.status}" for e in _engines(h)
                if e.status and e.status.lower() not in _OK_RE_STATUS]
    for node, engines in by_node.items():
        states = [e.mastership for e in engines if e.mastership]
        where = f"{node}: " if node else ""
        if not states:
            continue  # single-RE platforms report no mastership
        if states.count("master") == 0:
            problems.append(f"{where}no master RE")
        if states.count("master") > 1:
            problems.append(f"{where}{states.count('master')} master REs")
        if len(engines) > 1 and "backup" not in states:
            problems.append(f"{where}no backup RE ({', '.join(f'{e.label} {e.mastership}' for e in engines)})")
    roles = listing([f"{e.label} {e.mastership or 'single'} {e.status or ''}".strip() for e in _engines(h)])
    return Reading(float(len(problems)), listing(problems) if problems else f"REs: {roles}")


def _alarm_reading(h: DeviceHealth, rpc: str, severity: str) -> Reading:
    record: Alarms = need(h, rpc)
    hits = [a for a in record.alarms if a.severity.lower() == severity]
    detail = listing([f"{a.description}" + (f" ({a.node})" if a.node else "") for a in hits]) if hits \
        else f"no {severity} alarm ({len(record.alarms)} alarm(s) in all)"
    if record.reported_count is not None and record.reported_count > len(record.alarms):
        detail += f"; the device counts {record.reported_count} active alarms but lists {len(record.alarms)}"
    return Reading(float(len(hits)), detail)


@indicator("chassis_alarms.major", reads=("get-alarm-information",))
def chassis_major(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Active major chassis alarms."""
    return _alarm_reading(h, "get-alarm-information", "major")


@indicator("chassis_alarms.minor", reads=("get-alarm-information",))
def chassis_minor(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Active minor chassis alarms."""
    return _alarm_reading(h, "get-alarm-information", "minor")


@indicator("system_alarms.major", reads=("get-system-alarm-information",))
def system_major(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Active major system alarms."""
    return _alarm_reading(h, "get-system-alarm-information", "major")


@indicator("system_alarms.minor", reads=("get-system-alarm-information",))
def system_minor(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Active minor system alarms (rescue configuration not set, licence, ...)."""
    return _alarm_reading(h, "get-system-alarm-information", "minor")


def _environment(h: DeviceHealth, kind: str, what: str) -> Reading:
    record: Environment = need(h, "get-environment-information")
    items = [i for i in record.items if (i.kind or "").lower() == kind]
    if not items:
        raise Unknown(f"the environment reply lists no {what}")
    bad = [i for i in items if (i.status or "").lower() not in _OK_ENV_STATUS]
    if bad:
        return Reading(float(len(bad)), listing([f"{i.name} {i.status}" + (f" ({i.node})" if i.node else "")
                                                  for i in bad]))
    present = sum(1 for i in items if (i.status or "").lower() == "ok")
    return Reading(0.0, f"{present} {what} OK" + (f", {len(items) - present} absent" if len(items) > present else ""))


@indicator("environment.fans_failed", reads=("get-environment-information",))
def fans(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Fans whose status is not OK (Failed, Check, ...)."""
    return _environment(h, "fans", "fans")


@indicator("environment.power_failed", reads=("get-environment-information",))
def power(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Power supplies whose status is not OK."""
    return _environment(h, "power", "power supplies")


@indicator("environment.temperature_problems", reads=("get-environment-information",))
def temperatures(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Temperature sensors the device itself reports as not OK."""
    return _environment(h, "temp", "temperature sensors")


def _fpcs(h: DeviceHealth) -> Fpcs:
    record: Fpcs = need(h, "get-fpc-information")
    if not record.fpcs:
        raise Unknown("the FPC reply lists no FPC")
    return record


@indicator("fpc.not_online", reads=("get-fpc-information",))
def fpc_state(h: DeviceHealth, ignore: Ignore) -> Reading:
    """FPCs present but not Online (Offline, Present, Fault, ...)."""
    fpcs = _fpcs(h).fpcs
    bad = [f"FPC {f.slot} {f.state}" for f in fpcs if (f.state or "").lower() not in _OK_FPC_STATE]
    online = sum(1 for f in fpcs if (f.state or "").lower() == "online")
    return Reading(float(len(bad)), listing(bad) if bad else f"{online} FPC(s) online")


@indicator("fpc.cpu_percent", reads=("get-fpc-information",), unit="%")
def fpc_cpu(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Highest FPC CPU utilisation, where the platform reports it."""
    return _max_of(h, [(f"FPC {f.slot}", f.cpu_percent) for f in _fpcs(h).fpcs], "FPC CPU", "%")


@indicator("fpc.memory_percent", reads=("get-fpc-information",), unit="%")
def fpc_memory(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Highest FPC heap memory utilisation, where the platform reports it."""
    return _max_of(h, [(f"FPC {f.slot}", f.heap_percent) for f in _fpcs(h).fpcs], "FPC heap memory", "%")


@indicator("vc.problems", reads=("get-virtual-chassis-information",))
def vc(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Virtual-chassis problems: members not present, no master or two masters, no backup in a multi-member VC."""
    if h.virtual_chassis is False and not isinstance(h.get("get-virtual-chassis-information"), VirtualChassis):
        return Reading(0.0, "not applicable: a single chassis, not a virtual chassis (device profile)")
    record: VirtualChassis = need(h, "get-virtual-chassis-information")
    if not record.members:
        raise Unknown("not applicable: the virtual-chassis reply lists no member")
    problems = [f"member {m.id} {m.status}" for m in record.members if (m.status or "").lower() != "prsnt"]
    roles = [(m.role or "").lower() for m in record.members if (m.status or "").lower() == "prsnt"]
    if "master" not in roles:
        problems.append("no master member")
    if roles.count("master") > 1:
        problems.append(f"{roles.count('master')} master members (split virtual chassis)")
    if len(record.members) > 1 and "backup" not in roles:
        problems.append("no backup member")
    members = listing([f"{m.id} {m.role or '?'} prio {m.priority if m.priority is not None else '?'}"
                       for m in record.members])
    return Reading(float(len(problems)), (listing(problems) + f" (members: {members})") if problems
                   else f"members: {members}")


_STANDALONE = "not applicable: a standalone device, not a chassis cluster (device profile)"


class _NotCluster(Exception):
    pass


def _cluster(h: DeviceHealth) -> Cluster:
    if h.cluster is False and not (isinstance(h.get("get-chassis-cluster-status"), Cluster)
                                   and h.get("get-chassis-cluster-status").groups):
        raise _NotCluster
    record: Cluster = need(h, "get-chassis-cluster-status")
    if not record.groups:
        raise Unknown("not applicable: the chassis-cluster reply lists no redundancy group")
    return record


@indicator("cluster.problems", reads=("get-chassis-cluster-status",))
def cluster_problems(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Chassis-cluster problems: nodes lost, disabled or ineligible, monitor failures, no primary."""
    try:
        _cluster(h)
    except _NotCluster:
        return Reading(0.0, _STANDALONE)
    problems = []
    for group in _cluster(h).groups:
        statuses = [(n.status or "").lower() for n in group.nodes]
        if "primary" not in statuses:
            problems.append(f"RG{group.id} has no primary")
        for n in group.nodes:
            status = (n.status or "").lower()
            if status in ("lost", "disabled", "ineligible"):
                problems.append(f"RG{group.id} {n.name} {n.status}")
            if n.monitor_failures and n.monitor_failures.lower() not in ("none", "n/a"):
                problems.append(f"RG{group.id} {n.name} monitor failures {n.monitor_failures}")
    groups = listing([f"RG{g.id}: " + " ".join(f"{n.name} {n.status} prio {n.priority}" for n in g.nodes)
                      for g in _cluster(h).groups], limit=4)
    return Reading(float(len(problems)), (listing(problems) + f" ({groups})") if problems else groups)


@indicator("cluster.max_failovers", reads=("get-chassis-cluster-status",))
def cluster_failovers(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Highest redundancy-group failover count."""
    try:
        _cluster(h)
    except _NotCluster:
        return Reading(0.0, _STANDALONE)
    counts = [(f"RG{g.id}", g.failover_count) for g in _cluster(h).groups]
    return _max_of(h, [(label, float(c) if c is not None else None) for label, c in counts], "failovers", "")


@indicator("device.reachability", reads=())
def reachability(h: DeviceHealth, ignore: Ignore) -> Reading:
    """2 collected completely, 1 reached but the collection stopped part-way, 0 not reached."""
    if h.collection_error is None:
        return Reading(2.0, f"collected {len(h.records)} health replies")
    if h.records:
        return Reading(1.0, f"reached, but the collection stopped: {h.collection_error}")
    return Reading(0.0, f"not reached: {h.collection_error}")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"
