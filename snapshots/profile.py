"""The device profile: platform, exact running release and hardware shape, from the facts replies of a snapshot.

``build_profile(snapshot_dir)`` re-profiles a snapshot offline; ``profile_from_replies(replies)`` does the same
from replies already parsed (RPC name -> XML element, or CLI text for ``show version`` / ``show chassis
hardware``). Replies come in many shapes: with or without ``<rpc-reply>``, ``multi-routing-engine-results``
(dual RE, cluster nodes, VC members), namespaces on inner elements and ``junos:`` attributes; namespaces are
stripped first. What cannot be worked out goes into ``problems`` with the reason instead of a guess.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from msplus import xmlsafe
from msplus.durations import text_seconds
from msplus.errors import MalformedReplyError
from msplus.families import family_of
from msplus.records import DeviceProfile, Member, Module
from snapshots import cli_text
from snapshots.layout import failed_files
from snapshots.plan import load_plan
from snapshots.replies import reply_errors

SW, CHASSIS, RE, UPTIME, VC, CLUSTER = (
    "get-software-information", "get-chassis-inventory", "get-route-engine-information",
    "get-system-uptime-information", "get-virtual-chassis-information", "get-chassis-cluster-status")
Reply: TypeAlias = etree._Element | str  # XML payload, or CLI text


# ---------------------------------------------------------------------------------------------- reading a snapshot

def build_profile(snapshot_dir: str | Path) -> DeviceProfile:
    """Profile one device folder of a snapshot (the facts files named in snapshots/plan.yaml)."""
    folder = Path(snapshot_dir)
    files = {name: (folder / name).read_bytes() for name in fact_files() if (folder / name).is_file()}
    return profile_from_files(files, failed=failed_files(folder))


def profile_from_files(files: Mapping[str, bytes], failed: Collection[str] = ()) -> DeviceProfile:
    """Profile from the facts files' contents (name -> bytes as saved); ``failed`` names replies that were errors.
    What the snapshot writer calls with the replies it just saved, without reading them back."""
    replies, problems = read_fact_replies(files, failed)
    profile = profile_from_replies(replies)
    if problems:
        return _with_problems(profile, problems)
    return profile


@lru_cache(maxsize=1)
def fact_files() -> tuple[str, ...]:
    """The file names facts replies are saved under: the plan's, and ``.txt`` for CLI text."""
    names = [r.file for r in load_plan(("facts",))]
    return (*names, *(str(Path(n).with_suffix(".txt")) for n in names))


def read_fact_replies(files: Mapping[str, bytes], failed: Collection[str] = ()) -> tuple[dict[str, Reply], list[str]]:
    """RPC name -> payload for every good facts reply; replies that are errors are left out (an MX has no virtual
    chassis), unreadable ones are reported."""
    replies: dict[str, Reply] = {}
    problems: list[str] = []
    for request in load_plan(("facts",)):
        text_name = str(Path(request.file).with_suffix(".txt"))
        if request.file in failed or text_name in failed:
            continue
        if request.file in files:
            try:
                root = xmlsafe.parse_pasted(files[request.file], source=request.file)
            except MalformedReplyError as exc:
                problems.append(f"{request.file} unreadable: {exc}")
                continue
            if not reply_errors(root):
                replies[request.rpc] = xmlsafe.unwrap_reply(xmlsafe.strip_namespaces(root))
        elif text_name in files:
            replies[request.rpc] = files[text_name].decode("utf-8", errors="replace")
    return replies, problems


def payload(root: etree._Element) -> etree._Element:
    """The reply's content without ``<rpc-reply>`` and without namespaces (a copy; the input is untouched)."""
    return xmlsafe.unwrap_reply(xmlsafe.strip_namespaces(copy.deepcopy(root)))


def _with_problems(profile: DeviceProfile, problems: list[str]) -> DeviceProfile:
    data = profile.to_json()
    data["members"] = profile.members
    data["problems"] = (*problems, *profile.problems)
    return DeviceProfile(**data)


# ------------------------------------------------------------------------------------------------ the profile

@dataclass
class _Engine:
    """One routing engine / member / node as software information describes it."""

    name: str
    hostname: str | None
    model: str | None
    version: str | None
    evolved: bool


def profile_from_replies(replies: Mapping[str, Reply]) -> DeviceProfile:
    """Work out the profile from parsed facts replies (RPC name -> namespace-free payload, or CLI text)."""
    problems: list[str] = []
    engines = _engines(replies.get(SW), problems)
    re_list = _route_engines(replies.get(RE))
    vc_members = _vc_members(replies.get(VC))
    if not vc_members and len(engines) > 1 and all(re.fullmatch(r"(fpc|member)\d+", e.name) for e in engines):
        # show version of a virtual chassis without show virtual-chassis: one fpcN: section per member
        vc_members = [Member(id=re.sub(r"\D", "", e.name), model=e.model) for e in engines]
    nodes = _cluster_nodes(replies.get(CLUSTER))
    if not nodes and len(engines) > 1 and all(re.fullmatch(r"node\d+", e.name) for e in engines):
        nodes = [Member(id=e.name) for e in engines]  # show version of a chassis cluster: node0:, node1: sections
    current = _current_engine(engines, re_list, vc_members, nodes)
    if current is None:
        problems.append("no software information: hostname, model and release unknown")
    elif current.version is None:
        problems.append(f"no Junos release in the software information of {current.name or 'the device'}")
    releases = sorted({e.version for e in engines if e.version})
    if len(releases) > 1:
        problems.append("routing engines run different releases: "
                        + ", ".join(f"{e.name} {e.version}" for e in engines if e.version))
    chassis = _chassis(replies.get(CHASSIS))
    model = current.model.lower() if current and current.model else _model_from_chassis(chassis)
    re_models = tuple(m for _, _, m, _ in re_list if m) or tuple(chassis.re_models)
    family = family_of(model, re_models)
    if model and family is None:
        problems.append(f"model {model!r} is not in the family table (msplus/data/families.yaml)")
    serial = _serial(chassis, vc_members, nodes)
    if serial is None:
        problems.append("no chassis serial number in the chassis inventory" if replies.get(CHASSIS) is not None
                        else "no chassis inventory: serial number unknown")
    if nodes:
        _add_node_hardware(nodes, engines, chassis)
    return DeviceProfile(
        hostname=current.hostname if current else None,
        model=model,
        family=family,
        version=current.version if current else None,
        evolved=bool(current and current.evolved),
        serial_number=serial,
        routing_engines=len(re_list) or chassis.re_count or len(engines),
        uptime_seconds=_uptime(re_list, replies.get(UPTIME)),
        members=tuple(vc_members or nodes),
        virtual_chassis=len(vc_members) > 1,
        cluster=bool(nodes),
        re_models=re_models,
        problems=tuple(problems),
        modules=_modules(replies.get(CHASSIS)),
    )


# ---------------------------------------------------------------------------------------------- software

_RELEASE_PACKAGES = ("junos", "JUNOS version")
_BRACKET = re.compile(r"\[([^\]]+)\]")
_RELEASE = re.compile(r"\d+\.\d+[\w.-]*\d")


def _engines(reply: Reply | None, problems: list[str]) -> list[_Engine]:
    if reply is None:
        return []
    if isinstance(reply, str):
        return [_Engine(s.name, s.hostname, s.model, s.version, is_evolved(s.version, s.packages))
                for s in cli_text.parse_show_version(reply)]
    engines = []
    for name, info in _items(reply, "software-information"):
        version = software_release(info)
        packages = [f"{info_text(p, 'name')} {info_text(p, 'comment')}" for p in info.iter("package-information")]
        engines.append(_Engine(name, info_text(info, "host-name"), info_text(info, "product-model"), version,
                               is_evolved(version, packages)))
    if not engines:
        problems.append(f"software information reply has no <software-information> (root <{reply.tag}>)")
    return engines


def software_release(info: etree._Element) -> str | None:
    """The running release of one RE: ``<junos-version>`` (15.1 and later), else the release package's comment
    (``JUNOS Software Release [12.3X48-D40.5]``, ``JUNOS Base OS boot [12.3R6.6]``), else MGD's release (NFX JDM)."""
    version = info_text(info, "junos-version")
    if version:
        return version
    for name in _RELEASE_PACKAGES:
        for pkg in info.findall("package-information"):
            if info_text(pkg, "name") == name:
                comment = info_text(pkg, "comment") or ""
                match = _BRACKET.search(comment) or re.search(r"(\S+)\s*$", comment)
                if match:
                    return match.group(1)
    for comment in (info_text(p, "comment") or "" for p in info.findall("package-information")):
        if comment.startswith(("JUNOS Software Release [", "JUNOS Base OS boot [")):
            return _BRACKET.search(comment).group(1)  # type: ignore[union-attr]
    for vi in info.findall("version-information"):
        if info_text(vi, "component") == "MGD":
            match = _RELEASE.match(info_text(vi, "release") or "")
            if match:
                return match.group(0)
    return None


def is_evolved(version: str | None, packages: list[str] | tuple[str, ...] = ()) -> bool:
    """Junos OS Evolved: the release carries ``-EVO`` or the packages are Evolved ones."""
    if version and re.search(r"-EVO\b", version, re.IGNORECASE):
        return True
    return any(re.search(r"junos-evo|Junos OS Evolved", p, re.IGNORECASE) for p in packages)


def _current_engine(engines: list[_Engine], re_list: list[tuple[str, str, str | None, int | None]],
                    vc_members: list[Member], nodes: list[Member]) -> _Engine | None:
    """The engine the profile speaks for: the master RE, the VC master member, cluster node0, else the first."""
    if not engines:
        return None
    by_name = {e.name: e for e in engines}
    wanted = []
    for slot, state, _, _ in re_list:
        if state == "master":
            wanted += [f"re{slot}", f"bsys-re{slot}"]
    for member in vc_members:
        if (member.role or "").lower().startswith("master"):
            wanted += [f"fpc{member.id}", f"member{member.id}"]
    if nodes:
        wanted.append("node0")
    for name in wanted:
        if name in by_name:
            return by_name[name]
    return engines[0]


# ---------------------------------------------------------------------------------------------- hardware

def _items(reply: etree._Element, tag: str) -> list[tuple[str, etree._Element]]:
    """``[(re-name, element)]`` for a reply that is ``tag`` itself or multi-routing-engine-results around it."""
    if reply.tag == tag:
        return [("", reply)]
    out: list[tuple[str, etree._Element]] = []
    for item in reply.iter("multi-routing-engine-item"):
        for el in item.iter(tag):
            out.append((info_text(item, "re-name") or "", el))
    if not out:
        out = [("", el) for el in reply.iter(tag)]
    return out


def _route_engines(reply: Reply | None) -> list[tuple[str, str, str | None, int | None]]:
    """``[(slot, mastership state, model, up-time seconds)]`` from route-engine-information."""
    if not isinstance(reply, etree._Element):
        return []
    out: list[tuple[str, str, str | None, int | None]] = []
    for _, info in _items(reply, "route-engine-information"):
        for eng in info.findall("route-engine"):
            up = eng.find("up-time")
            out.append((info_text(eng, "slot") or str(len(out)), (info_text(eng, "mastership-state") or "").lower(),
                        info_text(eng, "model"), _up_seconds(up)))
    return out


def _up_seconds(up: etree._Element | None) -> int | None:
    """The ``junos:seconds`` attribute, else the text ("139 days, 3 hours, ...": a vSRX prints no attribute)."""
    if up is None:
        return None
    seconds = _int(up.get("seconds"))
    return seconds if seconds is not None else text_seconds(up.text)


@dataclass
class _Chassis:
    serial: str | None = None
    description: str | None = None
    re_models: tuple[str, ...] = ()
    re_count: int = 0
    node_serials: dict[str, str] | None = None


def _chassis(reply: Reply | None) -> _Chassis:
    if reply is None:
        return _Chassis()
    if isinstance(reply, str):
        sections = cli_text.parse_chassis_hardware(reply)
        first = next((s for s in sections if s.name in ("", "node0")), sections[0] if sections else None)
        if first is None:
            return _Chassis()
        return _Chassis(first.chassis_serial, first.chassis_description, tuple(first.routing_engines),
                        len(first.routing_engines),
                        {s.name: s.chassis_serial for s in sections if s.name and s.chassis_serial})
    serials: dict[str, str] = {}
    found: list[tuple[str, etree._Element]] = []
    for name, inv in _items(reply, "chassis-inventory"):
        chassis = inv.find("chassis")
        if chassis is None:
            continue
        found.append((name, chassis))
        serial = info_text(chassis, "serial-number") or _module_serial(chassis)
        if name and serial:
            serials[name] = serial
    if not found:
        return _Chassis()
    _, chassis = next((f for f in found if f[0] in ("", "node0")), found[0])
    res = [info_text(m, "description") or "" for m in chassis.findall("chassis-module")
           if re.fullmatch(r"Routing Engine( \d+)?", info_text(m, "name") or "")]
    return _Chassis(info_text(chassis, "serial-number") or _module_serial(chassis), info_text(chassis, "description"),
                    tuple(r for r in res if r), len(res), serials)


_KINDS = (("Routing Engine", "routing_engine"), ("FPC", "fpc"), ("MIC", "mic"), ("PIC", "pic"),
          ("CB", "control_board"), ("SCB", "control_board"), ("PEM", "power"), ("Power Supply", "power"),
          ("Fan", "fan"), ("Midplane", "chassis"), ("Backplane", "chassis"))
_MODULE_TAGS = ("chassis-module", "chassis-sub-module", "chassis-sub-sub-module", "chassis-sub-sub-sub-module")


def _modules(reply: Reply | None) -> tuple[Module, ...] | None:
    """Every FPC, MIC, PIC, routing engine, control board, power and fan module of the (first) chassis inventory,
    with its place, so line-card conditions can be decided. None when no XML inventory was collected; transceivers
    and CPUs are left out (no advisory or notice is about them by slot)."""
    if reply is None or isinstance(reply, str):
        return None
    found = [inv.find("chassis") for _, inv in _items(reply, "chassis-inventory")]
    chassis = next((c for c in found if c is not None), None)
    if chassis is None:
        return None
    out: list[Module] = []

    def walk(element: etree._Element, parent: str, depth: int) -> None:
        if depth >= len(_MODULE_TAGS):
            return
        for m in element.findall(_MODULE_TAGS[depth]):
            name = info_text(m, "name") or ""
            kind = next((k for prefix, k in _KINDS if name.startswith(prefix)), None)
            slot = f"{parent} / {name}" if parent else name
            if kind is not None:
                out.append(Module(slot, kind, info_text(m, "description"), info_text(m, "model-number"),
                                  info_text(m, "part-number")))
            walk(m, slot, depth + 1)

    walk(chassis, "", 0)
    return tuple(out)


def _module_serial(chassis: etree._Element) -> str | None:
    """Some chassis (vSRX, older branch SRX) carry the serial on the backplane or midplane module instead."""
    for module in chassis.findall("chassis-module"):
        if info_text(module, "name") in ("Backplane", "Midplane") and info_text(module, "serial-number"):
            return info_text(module, "serial-number")
    return None


def _model_from_chassis(chassis: _Chassis) -> str | None:
    if not chassis.description:
        return None
    inner = _BRACKET.search(chassis.description)  # "JNP204 [MX204]"
    return (inner.group(1) if inner else chassis.description.split()[0]).lower()


def _serial(chassis: _Chassis, vc_members: list[Member], nodes: list[Member]) -> str | None:
    if len(vc_members) > 1 or (vc_members and not chassis.serial):
        for member in vc_members:
            if (member.role or "").lower().startswith("master") and member.serial_number:
                return member.serial_number
    if nodes and chassis.node_serials and chassis.node_serials.get("node0"):
        return chassis.node_serials["node0"]
    return chassis.serial


def _vc_members(reply: Reply | None) -> list[Member]:
    if not isinstance(reply, etree._Element):
        return []
    members = []
    for member in reply.iter("member"):
        if member.find("member-id") is None:
            continue
        members.append(Member(
            id=info_text(member, "member-id") or "",
            role=(info_text(member, "member-role") or "").rstrip("*") or None,
            model=info_text(member, "member-model"),
            serial_number=info_text(member, "member-serial-number"),
            status=info_text(member, "member-status"),
            priority=_int(info_text(member, "member-priority")),
        ))
    return members


def _cluster_nodes(reply: Reply | None) -> list[Member]:
    """Nodes from redundancy group 0 of chassis-cluster-status (device-stats is a flat run of fields per node)."""
    if not isinstance(reply, etree._Element):
        return []
    for group in reply.iter("redundancy-group"):
        if info_text(group, "redundancy-group-id") != "0":
            continue
        stats = group.find("device-stats")
        if stats is None:
            continue
        nodes: list[dict[str, str | None]] = []
        for field in stats:
            if field.tag == "device-name":
                nodes.append({"id": (field.text or "").strip()})
            elif nodes:
                nodes[-1][field.tag] = (field.text or "").strip()
        return [Member(id=n["id"] or "", role=_role(n.get("redundancy-group-status")),
                       status=n.get("redundancy-group-status"), priority=_int(n.get("device-priority")))
                for n in nodes]
    return []


def _role(status: str | None) -> str | None:
    return status if status in ("primary", "secondary", "secondary-hold") else None


def _add_node_hardware(nodes: list[Member], engines: list[_Engine], chassis: _Chassis) -> None:
    models = {e.name: e.model for e in engines}
    for index, node in enumerate(nodes):
        serial = (chassis.node_serials or {}).get(node.id)
        nodes[index] = Member(id=node.id, role=node.role, model=models.get(node.id), serial_number=serial,
                              status=node.status, priority=node.priority)


def _uptime(re_list: list[tuple[str, str, str | None, int | None]], reply: Reply | None) -> int | None:
    for _, state, _, seconds in re_list:
        if state == "master" and seconds is not None:
            return seconds
    if len(re_list) == 1 and re_list[0][3] is not None:
        return re_list[0][3]
    if isinstance(reply, etree._Element):
        for path in ("system-booted-time/time-length", "uptime-information/up-time"):
            for _, info in _items(reply, "system-uptime-information"):
                el = info.find(path)
                if el is not None and _int(el.get("seconds")) is not None:
                    return _int(el.get("seconds"))
    return None


# ---------------------------------------------------------------------------------------------- helpers

def info_text(el: etree._Element, path: str) -> str | None:
    text = el.findtext(path)
    return text.strip() if text is not None and text.strip() else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


__all__ = ["build_profile", "family_of", "is_evolved", "profile_from_replies", "software_release"]
