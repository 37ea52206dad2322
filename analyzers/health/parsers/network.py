"""Network replies: interface counters (extensive), BGP summary, OSPF neighbours."""

from __future__ import annotations

import re

from lxml import etree

from analyzers.health.parsers import integer, nodes, output_text, parser, seconds, text
from analyzers.health.records import Bgp, BgpPeer, InterfaceCounters, Interfaces, Ospf, OspfNeighbor

_NOT_RUNNING = re.compile(r"\bnot running\b", re.IGNORECASE)


@parser("get-interface-information")
def interfaces(root: etree._Element) -> Interfaces:
    """Physical interfaces only: errors, drops and carrier transitions are counted there."""
    found = []
    for _, ifd in nodes(root, "physical-interface"):
        name = text(ifd, "name")
        if not name:
            continue
        flapped = ifd.find("{*}interface-flapped")
        ago = seconds(flapped) if flapped is not None else None
        found.append(InterfaceCounters(
            name=name, admin=text(ifd, "admin-status"), oper=text(ifd, "oper-status"),
            input_packets=integer(text(ifd, "traffic-statistics/input-packets")),
            output_packets=integer(text(ifd, "traffic-statistics/output-packets")),
            input_errors=integer(text(ifd, "input-error-list/input-errors")),
            output_errors=integer(text(ifd, "output-error-list/output-errors")),
            input_drops=integer(text(ifd, "input-error-list/input-drops")),
            output_drops=integer(text(ifd, "output-error-list/output-drops")),
            carrier_transitions=integer(text(ifd, "output-error-list/carrier-transitions")),
            flapped_seconds_ago=ago or None,  # "Never" comes as seconds="0"
        ))
    return Interfaces(tuple(found))


@parser("get-bgp-summary-information")
def bgp_summary(root: etree._Element) -> Bgp:
    peers = []
    for _, peer in nodes(root, "bgp-peer"):
        address = text(peer, "peer-address")
        if not address:
            continue
        peers.append(BgpPeer(address=address, peer_as=text(peer, "peer-as"), state=text(peer, "peer-state") or "",
                             flaps=integer(text(peer, "flap-count")), elapsed_seconds=seconds(peer.find(
                                 "{*}elapsed-time")), description=text(peer, "description")))
    note = _not_running(root)
    return Bgp(tuple(peers), running=not (note and not peers), note=note)


@parser("get-ospf-neighbor-information")
def ospf_neighbors(root: etree._Element) -> Ospf:
    found = []
    for _, nbr in nodes(root, "ospf-neighbor"):
        address = text(nbr, "neighbor-address")
        if not address:
            continue
        found.append(OspfNeighbor(address=address, interface=text(nbr, "interface-name"),
                                  state=text(nbr, "ospf-neighbor-state") or "", neighbor_id=text(nbr, "neighbor-id"),
                                  up_seconds=seconds(nbr.find("{*}neighbor-up-time"))))
    note = _not_running(root)
    return Ospf(tuple(found), running=not (note and not found), note=note)


def _not_running(root: etree._Element) -> str | None:
    """"BGP is not running" / "OSPF instance is not running": in <output>, or as the message of an error."""
    texts = [output_text(root)] + [(el.text or "").strip() for el in root.iter("{*}error-message", "{*}message")]
    return next((t for t in texts if t and _NOT_RUNNING.search(t)), None)
