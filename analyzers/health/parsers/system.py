"""System replies: uptime, storage, core dumps, commit history, NTP associations, licence usage."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from analyzers.health.parsers import attr, integer, nodes, number, output_text, parser, seconds, text
from analyzers.health.records import (
    Commit,
    Commits,
    CoreDump,
    CoreDumps,
    Filesystem,
    LicenseFeature,
    Licenses,
    Ntp,
    NtpPeer,
    Storage,
    Uptime,
    Uptimes,
)


@parser("get-system-uptime-information")
def uptime(root: etree._Element) -> Uptimes:
    entries = []
    for node, info in nodes(root, "system-uptime-information"):
        booted = info.find("{*}system-booted-time")
        up = info.find("{*}uptime-information/{*}up-time")
        length = booted.find("{*}time-length") if booted is not None else None
        configured = info.find("{*}last-configured-time")
        entries.append(Uptime(
            node=node,
            current_seconds=seconds(info.find("{*}current-time/{*}date-time")),
            booted_seconds=seconds(booted.find("{*}date-time")) if booted is not None else None,
            uptime_seconds=seconds(length) if seconds(length) is not None else seconds(up),
            last_configured_seconds=seconds(configured.find("{*}date-time")) if configured is not None else None,
            last_configured_user=text(configured, "user") if configured is not None else None,
            time_source=text(info, "time-source"),
        ))
    return Uptimes(tuple(entries))


@parser("get-system-storage")
def storage(root: etree._Element) -> Storage:
    found = []
    for node, fs in nodes(root, "filesystem"):
        found.append(Filesystem(node=node, name=text(fs, "filesystem-name") or "", mounted_on=text(fs, "mounted-on")
                                or "", used_percent=number(text(fs, "used-percent")),
                                total_blocks=integer(text(fs, "total-blocks")),
                                available_blocks=integer(text(fs, "available-blocks"))))
    return Storage(tuple(found))


@parser("get-system-core-dumps")
def core_dumps(root: etree._Element) -> CoreDumps:
    """``<file-information>`` per core file; the ``<output>`` lines ("/var/tmp/*core*: No such file or directory")
    only say where nothing was found."""
    found = []
    for node, info in nodes(root, "file-information"):
        name = text(info, "file-name")
        if not name:
            continue
        directory = info.getparent()
        if not name.startswith("/") and directory is not None:
            folder = text(directory, "directory-name") or attr(directory, "name") or ""
            name = folder.rstrip("/") + "/" + name if folder else name
        found.append(CoreDump(node=node, path=name, size=integer(text(info, "file-size")), seconds=_file_date(info)))
    return CoreDumps(tuple(found))


def _file_date(info: etree._Element) -> int | None:
    date = info.find("{*}file-date")
    if date is None:
        return None
    inner = date.find("{*}date-time")
    if inner is not None:
        return seconds(inner)
    return seconds(date) or integer(date.text)  # some releases put the epoch in the text, the format in an attribute


@parser("get-commit-information")
def commits(root: etree._Element) -> Commits:
    found = []
    for _, entry in nodes(root, "commit-history"):
        when = seconds(entry.find("{*}date-time"))
        found.append(Commit(sequence=integer(text(entry, "sequence-number")), user=text(entry, "user"),
                            client=text(entry, "client"),
                            seconds=when if when is not None else _parse_time(text(entry, "date-time")),
                            comment=text(entry, "comment") or text(entry, "log")))
    return Commits(tuple(found))


def _parse_time(value: str | None) -> int | None:
    """``2025-01-01 00:00:00 UTC`` without a seconds attribute (UTC only: other zones are not guessed)."""
    if not value:
        return None
    match = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: (UTC|GMT))?$", value)
    if not match or (len(value) > 19 and not match.group(2)):
        return None
    return int(datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp())


# ntpq's table as Junos prints it: tally code, remote, refid, st, t, when, poll, reach, delay, offset, jitter.
_NTP_LINE = re.compile(r"^(?P<tally>[ x.\-+#*o])(?P<remote>\S+)\s+(?P<refid>\S+)\s+(?P<st>\d+)\s+\S+\s+\S+\s+\S+\s+"
                       r"(?P<reach>\d+)\s+\S+\s+(?P<offset>-?[\d.]+)\s+\S+\s*$")


@parser("get-ntp-associations-information")
def ntp(root: etree._Element) -> Ntp:
    """The structured reply of recent releases (``<ntp-peer>``), else the ntpq text table in ``<output>``."""
    peers = []
    for _, peer in nodes(root, "ntp-peer"):
        address = text(peer, "peer-address")
        if not address:
            continue
        tally = peer.findtext("{*}tally-code")
        peers.append(NtpPeer(address=address, refid=text(peer, "peer-reference"),
                             stratum=integer(text(peer, "peer-stratum")), tally=(tally or " ").strip() or " ",
                             reach=text(peer, "peer-reach"), offset_ms=number(text(peer, "peer-offset"))))
    if not peers:
        for line in output_text(root).splitlines():
            match = _NTP_LINE.match(line.rstrip())
            if match and match.group("remote") != "remote":
                peers.append(NtpPeer(address=match.group("remote"), refid=match.group("refid"),
                                     stratum=int(match.group("st")), tally=match.group("tally"),
                                     reach=match.group("reach"), offset_ms=float(match.group("offset"))))
    return Ntp(tuple(peers))


@parser("get-license-summary-information")
def licenses(root: etree._Element) -> Licenses:
    found = []
    for _, feature in nodes(root, "feature-summary"):
        name = text(feature, "name")
        if not name:
            continue
        end = feature.find("{*}end-date")
        remaining = feature.find("{*}remaining-time/{*}remaining-validity-value")
        validity = (text(feature, "validity-type") or "").lower()
        found.append(LicenseFeature(
            name=name, description=text(feature, "description"), used=integer(text(feature, "used-licensed")),
            installed=integer(text(feature, "licensed")), needed=integer(text(feature, "needed")),
            expiry_seconds=(seconds(end) if seconds(end) is not None else _parse_date(text(feature, "end-date"))),
            remaining_seconds=seconds(remaining), permanent=validity == "permanent"))
    return Licenses(tuple(found))


def _parse_date(value: str | None) -> int | None:
    if not value or not re.match(r"^\d{4}-\d\d-\d\d$", value):
        return None
    return int(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
