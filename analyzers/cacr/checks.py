"""Named checks: what a rule's patterns cannot say, registered by name for rule files to refer to.

The registry is a plain dict filled by the ``@check`` decorator; a name registered twice is refused at import, and
a rule file naming a check that is not here is refused when it is loaded (rules.py) -- never looked up with
getattr on a user string. Each check declares the model of its ``params`` (validated with the rule file, so an
unknown parameter is reported with file, rule id and key) and the placeholders it fills in for messages and
remediation.

A check returns the things it found wrong (Hit), or says it does not apply here (NotApplicable) or cannot tell
(Unknown): a rule that cannot be evaluated is reported as skipped with the reason, not passed.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analyzers.cacr import references
from analyzers.cacr.context import Context, match_path, path_text
from analyzers.cacr.patterns import Match, find_below, parse_pattern
from msplus.junosconf import INACTIVE, Node
from msplus.junosconf.node import needs_quotes


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing found wrong. ``subject`` names it stably (change review compares hits by rule and subject);
    ``nodes`` are the statements quoted as evidence, ``extra`` evidence lines that are not statements;
    ``values`` fill the rule's placeholders."""

    subject: str
    nodes: tuple[Node, ...] = ()
    values: dict[str, str] | None = None
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NotApplicable:
    reason: str


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str


Outcome = list[Hit] | NotApplicable | Unknown


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


CheckFn = Callable[[Context, Params], Outcome]


@dataclass(frozen=True, slots=True)
class NamedCheck:
    name: str
    fn: CheckFn
    params: type[Params]
    placeholders: frozenset[str]
    doc: str


REGISTRY: dict[str, NamedCheck] = {}


def check(name: str, *, params: type[Params] = Params,
          placeholders: tuple[str, ...] = ()) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the named check ``name``. Raises ValueError when the name is taken."""

    def register(fn: CheckFn) -> CheckFn:
        if name in REGISTRY:
            raise ValueError(f"check {name!r} is registered twice ({REGISTRY[name].fn.__qualname__}, "
                             f"{fn.__qualname__})")
        REGISTRY[name] = NamedCheck(name, fn, params, frozenset(placeholders), (fn.__doc__ or "").strip())
        return fn

    return register


# --------------------------------------------------------------------------------- definitions and references

ObjectName = Literal["policy-statement", "prefix-list", "firewall-filter"]


class ObjectParams(Params):
    object: ObjectName


@check("unreferenced-definitions", params=ObjectParams, placeholders=("name", "object", "path"))
def unreferenced(ctx: Context, params: Params) -> Outcome:
    """Definitions of ``object`` that nothing in the configuration uses."""
    assert isinstance(params, ObjectParams)
    kind = references.kinds()[params.object]
    defs = ctx.objects.definitions.get(kind.name, {})
    if not defs:
        return NotApplicable(f"no {kind.label} is defined")
    hits = []
    for name, nodes in references.unused(ctx.objects, kind.name, ctx.root).items():
        hits.append(Hit(f"{kind.label} {name}", tuple(nodes),
                        {"name": name, "object": kind.label, "path": path_text(nodes[0])}))
    return hits


@check("undefined-references", params=ObjectParams, placeholders=("name", "object", "path", "reference"))
def undefined(ctx: Context, params: Params) -> Outcome:
    """Statements naming an ``object`` that is not defined (the commit fails, or the statement does nothing)."""
    assert isinstance(params, ObjectParams)
    kind = references.kinds()[params.object]
    refs = ctx.objects.references.get(kind.name, [])
    if not refs:
        return NotApplicable(f"no {kind.label} is referenced")
    hits = []
    for ref in references.undefined(ctx.objects, kind.name):
        keyword = path_text(ref.node, used=1)
        hits.append(Hit(f"{keyword} -> {ref.name}", (ref.node,),
                        {"name": ref.name, "object": kind.label, "path": keyword,
                         "reference": f"{keyword} {_quoted(ref.name)}"}))
    return hits


def _quoted(word: str) -> str:
    return f'"{word}"' if needs_quotes(word) else word


# --------------------------------------------------------------------------------- interfaces

# Interfaces that are not front-panel ports: management, loopback, internal and logical devices.
NOT_PORTS = ("lo0", "fxp*", "em*", "me*", "vme*", "irb", "vlan", "fab*", "swfab*", "re0:*", "re1:*", "jsrv",
             "pp0", "st0", "gr-*", "ip-*", "lt-*", "vt-*", "ms-*", "si-*", "sp-*", "interface-range", "traceoptions")


class MtuParams(Params):
    exclude: list[str] = Field(default_factory=lambda: list(NOT_PORTS))


@check("mtu-consistency", params=MtuParams,
       placeholders=("interface", "mtu", "expected", "count", "media"))
def mtu_consistency(ctx: Context, params: Params) -> Outcome:
    """Ports of one media type (xe-, et-, ge-, ae) whose explicit MTU differs from the value most of them use: a
    mismatch on one link of a fabric drops large packets or keeps OSPF/IS-IS adjacencies from forming."""
    assert isinstance(params, MtuParams)
    by_media: dict[str, list[tuple[str, str, Node]]] = {}
    for m in ctx.find(parse_pattern("interfaces <*> mtu <*>")):
        name, value = m.captures
        if any(fnmatchcase(name, glob) for glob in params.exclude):
            continue
        media = name.split("-", 1)[0] if "-" in name else name.rstrip("0123456789")
        by_media.setdefault(media, []).append((name, value, m.node))
    if not any(len(ports) > 1 for ports in by_media.values()):
        return NotApplicable("fewer than two ports of one media type have an explicit MTU")
    hits = []
    for media, ports in by_media.items():
        counts = Counter(value for _, value, _ in ports)
        if len(counts) < 2:
            continue
        expected, count = max(counts.items(), key=lambda kv: (kv[1], _int(kv[0])))
        reference = next(node for _, value, node in ports if value == expected)
        for name, value, node in ports:
            if value != expected:
                hits.append(Hit(f"interfaces {name} mtu", (node, reference),
                                {"interface": name, "mtu": value, "expected": expected, "count": str(count),
                                 "media": media}))
    return hits


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


@check("duplicate-addresses", placeholders=("address", "interfaces", "instance", "duplicate"))
def duplicate_addresses(ctx: Context, params: Params) -> Outcome:
    """The same IP address on two logical interfaces of one routing instance."""
    instance_of: dict[str, str] = {}
    for m in ctx.find(parse_pattern("routing-instances <*> interface <*>")):
        instance_of[m.captures[1]] = m.captures[0]
    seen: dict[tuple[str, str], list[tuple[str, Match]]] = {}
    for m in ctx.find(parse_pattern("interfaces <*> unit <*> family <inet*> address <*>")):
        ifname, unit, _family, address = m.captures
        ifl = f"{ifname}.{unit}"
        host = address.split("/", 1)[0]
        if ":" in host:  # IPv6 is written in more than one way: compare the canonical form
            try:
                host = str(ipaddress.ip_address(host))
            except ValueError:
                continue
        key = (instance_of.get(ifl, "master"), host)
        seen.setdefault(key, []).append((ifl, m))
    if not seen:
        return NotApplicable("no interface has an IP address")
    hits = []
    for (instance, host), where in seen.items():
        ifls = sorted({ifl for ifl, _ in where})
        if len(ifls) > 1:
            # the remediation names the later statement: the first one is usually the original
            hits.append(Hit(f"address {host} in {instance}", tuple(m.node for _, m in where),
                            {"address": host, "interfaces": ", ".join(ifls), "instance": instance,
                             "duplicate": match_path(where[-1][1])}))
    return hits


# --------------------------------------------------------------------------------- routing-engine protection

# Services worth protecting on the routing engine, by the names and numbers a filter term may use.
MANAGEMENT_PORTS = ["ssh", "22", "telnet", "23", "snmp", "161", "netconf", "830", "ftp", "21", "http", "80",
                    "https", "443", "3000"]
_LIMITS = ("source-address", "source-prefix-list", "prefix-list", "address", "source-address-filter")


class ReFilterParams(Params):
    ports: list[str] = Field(default_factory=lambda: list(MANAGEMENT_PORTS))


@check("re-filter-open-services", params=ReFilterParams, placeholders=("filter", "term", "path", "ports"))
def re_filter_open(ctx: Context, params: Params) -> Outcome:
    """Terms of the filters applied as input on lo0 that accept management services (or everything) from any
    source address."""
    assert isinstance(params, ReFilterParams)
    names: dict[str, None] = {}
    for ref in ctx.objects.references.get("firewall-filter", []):
        if ref.node.tokens[0] in ("input", "input-list") and _under_lo0(ref.node):
            names.setdefault(ref.name)
    if not names:
        return NotApplicable("no input filter is applied to lo0")
    ports = set(params.ports)
    hits = []
    defs = ctx.objects.definitions.get("firewall-filter", {})
    for name in names:
        for definition in defs.get(name, ()):
            for term in definition.children_named("term"):
                opened = _opened(term, ports)
                if opened is not None:
                    hits.append(Hit(f"filter {name} term {term.value}", (term,),
                                    {"filter": name, "term": term.value or "", "path": path_text(term),
                                     "ports": opened}))
    return hits


def _under_lo0(node: Node) -> bool:
    return node.path[:2] == ("interfaces", "lo0")


def _opened(term: Node, ports: set[str]) -> str | None:
    """What ``term`` accepts from anywhere: the management ports it names, "everything" when it matches no port
    and no source at all; None when it does not accept, or limits the source."""
    if not find_below(parse_pattern("then accept"), term, len(term.tokens)):
        return None
    froms = term.children_named("from")
    words = {w for f in froms for n in f.iter() for w in n.tokens}
    if any(limit in words for limit in _LIMITS):
        return None
    named = [p for p in ports if _names_port(froms, p)]
    if named:
        return ", ".join(named)
    if not froms or not any(n.tokens[0] in ("destination-port", "port", "protocol") for f in froms
                            for n in f.iter() if n is not f):
        return "everything"
    return None


def _names_port(froms: list[Node], port: str) -> bool:
    for f in froms:
        for n in f.iter():
            if n.tokens and n.tokens[0] in ("destination-port", "port") and port in n.tokens[1:]:
                return True
            if n.parent is not None and n.parent.tokens and n.parent.tokens[0] in ("destination-port", "port") \
                    and n.tokens[0] == port:
                return True
    return False


# --------------------------------------------------------------------------------- the configuration as written

@check("inactive-statements", placeholders=("path",))
def inactive_statements(ctx: Context, params: Params) -> Outcome:
    """Statements left deactivated: they do nothing, and hide what the device will do on ``activate``."""
    if ctx.raw is None:
        return Unknown("needs the configuration as written (inactive statements are not in the effective view)")
    hits = []
    stack = list(ctx.raw.root.children or ())
    while stack:
        node = stack.pop()
        if node.flags & INACTIVE:
            path = path_text(node, used=_identity(node))
            hits.append(Hit(path, (node,), {"path": path}, extra=(f"{ctx.where(node)}: deactivate {path}",)))
            continue  # what is inside goes with it
        if node.children:
            stack.extend(reversed(node.children))
    hits.sort(key=lambda h: h.nodes[0].line)
    return hits


def _identity(node: Node) -> int | None:
    """How many of a leaf's tokens name it in a ``deactivate`` line (all of them for a container)."""
    if node.children is not None:
        return None
    return node.lst[0] if node.lst is not None else None


# --------------------------------------------------------------------------------- beyond the configuration

RESCUE_ALARM = "rescue configuration is not set"


@check("rescue-configuration", placeholders=("alarm",))
def rescue_configuration(ctx: Context, params: Params) -> Outcome:
    """A rescue configuration is saved (Junos raises the system alarm "Rescue configuration is not set" when not).
    The rescue configuration is a file, not a statement: this needs the system alarms of a snapshot."""
    if ctx.folder is None:
        return Unknown("needs the system alarms of a snapshot (the rescue configuration is a file on the device, "
                       "not a configuration statement)")
    for name in ("system-alarm-information.xml", "system-alarm-information.txt"):
        path = ctx.folder / name
        if path.is_file():
            text = _alarm_text(path)
            if text is None:
                return Unknown(f"{name} could not be read")
            found = next((line.strip() for line in text.splitlines() if RESCUE_ALARM in line.lower()), None)
            if found is None:
                return []
            return [Hit("rescue configuration", (), {"alarm": "Rescue configuration is not set"},
                        extra=(f"{name}: {_strip_tags(found)}",))]
    return Unknown("the snapshot has no system alarms (system-alarm-information.xml)")


def _alarm_text(path: Path) -> str | None:
    from msplus import xmlsafe  # lxml: only when a snapshot has the alarms
    from msplus.errors import MalformedReplyError

    data = path.read_bytes()
    if path.suffix == ".txt":
        return data.decode("utf-8", errors="replace")
    try:
        root = xmlsafe.parse_pasted(data, source=str(path))
    except MalformedReplyError:
        return None
    return "\n".join(el.text or "" for el in root.iter() if isinstance(el.tag, str)
                     and xmlsafe.local(el.tag) == "alarm-description")


def _strip_tags(text: str) -> str:
    return text.replace("<alarm-description>", "").replace("</alarm-description>", "").strip()
