"""Network indicators: interface errors, drops and flaps; BGP and OSPF neighbours."""

from __future__ import annotations

from analyzers.health.device import DeviceHealth
from analyzers.health.indicators import INDICATORS, Ignore, Reading, Unknown, fmt, ignored, indicator, listing, need
from analyzers.health.records import Bgp, InterfaceCounters, Interfaces, Ospf

IFACES = "get-interface-information"
DAY = 86400
BOOT_GRACE = 900  # seconds after boot within which links coming up are the boot, not flaps
_OSPF_UP = {"full", "2way"}  # 2Way is the normal state between two DROthers on a broadcast segment


def _interfaces(h: DeviceHealth, ignore: Ignore) -> list[InterfaceCounters]:
    record: Interfaces = need(h, IFACES)
    found = [i for i in record.interfaces if not ignored(i.name, ignore)]
    if not found:
        raise Unknown("the interface reply lists no physical interface to check")
    return found


def _ratio(h: DeviceHealth, ignore: Ignore, count: str) -> Reading:
    """Worst interface by ``count`` (errors or drops) as a percentage of its packets."""
    worst: list[tuple[float, InterfaceCounters, int]] = []
    reported = False
    for i in _interfaces(h, ignore):
        bad = getattr(i, count)
        fields = (i.input_errors, i.output_errors) if count == "errors" else (i.input_drops, i.output_drops)
        reported = reported or any(v is not None for v in fields)
        if bad:
            worst.append((100.0 * bad / (i.packets + bad), i, bad))
    if not reported:
        raise Unknown(f"the interface reply carries no {count} counters (not the extensive form)")
    if not worst:
        return Reading(0.0, f"no {count} on any interface")
    worst.sort(key=lambda w: w[0], reverse=True)
    shown = [f"{i.name} {bad} {count} in {i.packets} packets ({fmt(round(pct, 4))}%)" for pct, i, bad in worst]
    return Reading(round(worst[0][0], 4), listing(shown, limit=4))


@indicator("interfaces.error_percent", reads=(IFACES,), unit="%")
def errors(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Worst interface's input+output errors as a percentage of its packets (since the counters were cleared)."""
    return _ratio(h, ignore, "errors")


@indicator("interfaces.drop_percent", reads=(IFACES,), unit="%")
def drops(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Worst interface's input+output drops as a percentage of its packets."""
    return _ratio(h, ignore, "drops")


@indicator("interfaces.flapped_last_day", reads=(IFACES,))
def flaps(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Interfaces (administratively up) whose link last changed state less than a day before collection; links
    that came up with the device (within BOOT_GRACE of its boot) are left to the reboot check."""
    uptime = _uptime(h)
    recent = [i for i in _interfaces(h, ignore) if (i.admin or "").lower() != "down"
              and i.flapped_seconds_ago is not None and i.flapped_seconds_ago < DAY
              and not (uptime is not None and i.flapped_seconds_ago >= uptime - BOOT_GRACE)]
    if not recent:
        booted = f" (the device booted {uptime // 3600} h ago)" if uptime is not None and uptime < DAY else ""
        return Reading(0.0, "no link change in the last 24 h" + booted)
    recent.sort(key=lambda i: i.flapped_seconds_ago or 0)
    return Reading(float(len(recent)), listing([f"{i.name} {(i.flapped_seconds_ago or 0) // 60} min ago"
                                                + (f" ({i.carrier_transitions} carrier transitions)"
                                                   if i.carrier_transitions is not None else "") for i in recent]))


def _uptime(h: DeviceHealth) -> int | None:
    value = INDICATORS["re.uptime_seconds"].read(h).value
    return int(value) if value is not None else None


def _bgp(h: DeviceHealth) -> Bgp:
    record: Bgp = need(h, "get-bgp-summary-information")
    return record


@indicator("bgp.peers_down", reads=("get-bgp-summary-information",))
def bgp_down(h: DeviceHealth, ignore: Ignore) -> Reading:
    """BGP peers not Established (Active, Idle, Connect, OpenSent ...)."""
    record = _bgp(h)
    if not record.running:
        return Reading(0.0, record.note or "BGP is not running")
    peers = [p for p in record.peers if not ignored(p.address, ignore)]
    down = [p for p in peers if p.state.lower() != "established"]
    if down:
        return Reading(float(len(down)), listing([f"{p.address} {p.state}" + (f" ({p.description})" if
                                                  p.description else "") for p in down]))
    return Reading(0.0, f"{len(peers)} peer(s) established")


@indicator("bgp.max_flaps", reads=("get-bgp-summary-information",))
def bgp_flaps(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Highest BGP peer flap count (since the session was configured or cleared)."""
    record = _bgp(h)
    if not record.running:
        return Reading(0.0, record.note or "BGP is not running")
    counted = [p for p in record.peers if p.flaps is not None and not ignored(p.address, ignore)]
    if not counted:
        raise Unknown("the BGP reply gives no flap counts")
    counted.sort(key=lambda p: p.flaps or 0, reverse=True)
    return Reading(float(counted[0].flaps or 0), listing([f"{p.address} {p.flaps} flaps ({p.state})"
                                                          for p in counted], limit=4))


@indicator("ospf.neighbours_not_full", reads=("get-ospf-neighbor-information",))
def ospf(h: DeviceHealth, ignore: Ignore) -> Reading:
    """OSPF neighbours stuck below Full (2Way counts as up)."""
    record: Ospf = need(h, "get-ospf-neighbor-information")
    if not record.running:
        return Reading(0.0, record.note or "OSPF is not running")
    bad = [n for n in record.neighbors if n.state.lower() not in _OSPF_UP and not ignored(n.address, ignore)]
    if bad:
        return Reading(float(len(bad)), listing([f"{n.address} on {n.interface} {n.state}" for n in bad]))
    return Reading(0.0, f"{len(record.neighbors)} neighbour(s) up")
