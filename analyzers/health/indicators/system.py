"""System indicators: storage, core dumps, configuration commits, NTP, licences."""

from __future__ import annotations

from analyzers.health.device import DeviceHealth
from analyzers.health.indicators import Ignore, Reading, Unknown, fmt, ignored, indicator, listing, need
from analyzers.health.records import Commits, CoreDumps, Licenses, Ntp, Storage, Uptimes

UPTIME = "get-system-uptime-information"
COMMITS = "get-commit-information"
NTP = "get-ntp-associations-information"


@indicator("storage.max_used_percent", reads=("get-system-storage",), unit="%")
def storage(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Fullest filesystem (read-only package images and pseudo filesystems are in the check's ignore list)."""
    record: Storage = need(h, "get-system-storage")
    considered = [f for f in record.filesystems if f.used_percent is not None
                  and not ignored(f.mounted_on, ignore) and not ignored(f.name, ignore)]
    if not considered:
        raise Unknown("the storage reply lists no writable filesystem")
    considered.sort(key=lambda f: f.used_percent or 0.0, reverse=True)
    top = considered[0]
    shown = [f"{f.mounted_on} {fmt(f.used_percent)}%" + (f" ({f.node})" if f.node else "") for f in considered]
    return Reading(top.used_percent, "fullest: " + listing(shown, limit=4))


@indicator("core_dumps.count", reads=("get-system-core-dumps",))
def core_dumps(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Core files present on the device (a process crashed)."""
    record: CoreDumps = need(h, "get-system-core-dumps")
    files = [f for f in record.files if not ignored(f.path, ignore)]
    if not files:
        return Reading(0.0, "no core file")
    return Reading(float(len(files)), listing([f.path + (f" ({f.node})" if f.node else "") for f in files]))


@indicator("config.hours_since_commit", reads=(COMMITS, UPTIME), unit="h")
def last_commit(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Hours since the last configuration commit (commit history, else the uptime reply's last configured time)."""
    when, who, source = _last_commit(h)
    if h.clock is None:
        raise Unknown("no reference time: the device clock and the collection time are unknown")
    if when - h.clock > 3600:  # a commit in the device's future: one of the two clocks is wrong, so no age
        raise Unknown(f"the last commit ({_utc(when)}, {source}) is later than the device's clock "
                      f"({_utc(h.clock)}): one of them is wrong")
    hours = max(0.0, (h.clock - when) / 3600)
    return Reading(round(hours, 1), f"last commit {fmt(round(hours, 1))} h before collection"
                   + (f" by {who}" if who else "") + f" ({source})")


def _utc(seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _last_commit(h: DeviceHealth) -> tuple[int, str | None, str]:
    commits: Commits | None = h.get(COMMITS)
    dated = [c for c in (commits.commits if commits else ()) if c.seconds is not None]
    if dated:
        latest = max(dated, key=lambda c: c.seconds or 0)
        return int(latest.seconds or 0), latest.user, "commit history"
    uptimes: Uptimes | None = h.get(UPTIME)
    for u in uptimes.entries if uptimes else ():
        if u.last_configured_seconds is not None:
            return u.last_configured_seconds, u.last_configured_user, "uptime: last configured"
    reason = h.why(COMMITS) if commits is None else "the commit history lists no dated commit"
    raise Unknown(f"{reason}; the uptime reply gives no last configured time either")


@indicator("ntp.synchronised", reads=(NTP, UPTIME))
def ntp(h: DeviceHealth, ignore: Ignore) -> Reading:
    """1 when the clock is synchronised by NTP (a system peer '*'), else 0; the uptime reply's time source when
    the platform has no NTP associations RPC."""
    record: Ntp | None = h.get(NTP)
    if record is not None and record.peers:
        chosen = [p for p in record.peers if p.tally == "*"]
        peers = listing([f"{p.tally.strip() or '-'}{p.address} st {p.stratum}" for p in record.peers])
        if chosen:
            return Reading(1.0, f"synchronised to {chosen[0].address} (stratum {chosen[0].stratum}); peers {peers}")
        return Reading(0.0, f"no system peer selected; peers {peers}")
    uptimes: Uptimes | None = h.get(UPTIME)
    sources = [u.time_source for u in (uptimes.entries if uptimes else ()) if u.time_source]
    if sources:
        synced = all("NTP" in s.upper() for s in sources)
        return Reading(1.0 if synced else 0.0, f"time source {', '.join(sorted(set(sources)))} (uptime reply)")
    if record is not None:
        return Reading(0.0, "no NTP association configured")
    raise Unknown(f"{h.why(NTP)}; the uptime reply gives no time source either")


@indicator("license.features_over", reads=("get-license-summary-information",))
def license_over(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Licensed features used beyond what is installed (the device counts them as needed)."""
    record: Licenses = need(h, "get-license-summary-information")
    if not record.features:
        raise Unknown("the licence reply lists no feature")
    over = [f for f in record.features if (f.needed or 0) > 0]
    if over:
        return Reading(float(len(over)), listing([f"{f.name}: used {f.used}, installed {f.installed}, needed "
                                                  f"{f.needed}" for f in over]))
    return Reading(0.0, f"{len(record.features)} feature(s) within their licences")


@indicator("license.days_to_expiry", reads=("get-license-summary-information",), unit="days")
def license_expiry(h: DeviceHealth, ignore: Ignore) -> Reading:
    """Days until the first licence of a feature in use expires (permanent licences never do)."""
    record: Licenses = need(h, "get-license-summary-information")
    dated = []
    for f in record.features:
        if f.permanent or not (f.used or 0):
            continue
        if f.remaining_seconds is not None:
            dated.append((f.name, f.remaining_seconds / 86400))
        elif f.expiry_seconds is not None and h.clock is not None:
            dated.append((f.name, (f.expiry_seconds - h.clock) / 86400))
    if not dated:
        raise Unknown("no licence in use has an expiry date")
    dated.sort(key=lambda nd: nd[1])
    return Reading(round(dated[0][1], 1), listing([f"{n} {fmt(round(d, 1))} days" for n, d in dated]))
