"""Answering one RPC: faults first, then the simulator's own RPCs, then the device folder's replies, else an error.

Built in: ``close-session``, ``get-configuration`` (text/set/XML, with subtree filters), NETCONF ``get-config``,
``command`` (CLI text through msplus/data/commands.yaml, ``format="text"`` gives ``<output>``), ``file-list``
(the user's home, as PyEZ's HOME fact asks) and ``file-show`` of a file the device does not have (an error, as on
a device). Everything else comes from the folder (lab.device); an RPC it lacks gets ``<rpc-error>`` "syntax error".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from lab import commands, replies
from lab.configuration import ConfigUnavailable
from lab.device import SimDevice
from lab.render import render_text
from lab.replies import Reply
from msplus.xmlsafe import local

# Arguments a normal device refuses. PyEZ probes <get-software-information><all-servers/> for node slicing (JDM);
# a device that answered it normally would be taken for a JDM.
REJECTED_ARGS = {"get-software-information": frozenset({"all-servers"})}


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str = "reply"  # reply | hang | disconnect | close (reply, then end the session)
    body: bytes = b""
    document: bytes | None = None  # a complete message that replaces the normal reply (fault injection)


@dataclass(frozen=True, slots=True)
class CommandResult:
    """A CLI command resolved: a reply, or the configuration (``config_path``), or an error at ``bad_index``."""

    rpc: str | None
    reply: Reply | None = None
    config_path: tuple[str, ...] | None = None
    error: str | None = None
    bad_index: int | None = None


def arguments(op: etree._Element) -> dict[str, str | bool]:
    """An RPC's arguments: each child element, its text or True when empty (``<terse/>``)."""
    args: dict[str, str | bool] = {}
    for child in op:
        if isinstance(child.tag, str):
            text = (child.text or "").strip()
            args[local(child.tag)] = text if text else True
    return args


def dispatch(device: SimDevice, op: etree._Element, attrs: dict[str, str]) -> Outcome:
    name = local(op.tag)
    args = arguments(op)
    fault = _fault(device, name, args, attrs)
    if fault is not None:
        return fault
    if name == "close-session":
        return Outcome("close", replies.ok())
    return Outcome(body=answer(device, name, op, args))


def _fault(device: SimDevice, name: str, args: dict[str, str | bool], attrs: dict[str, str]) -> Outcome | None:
    """The outcome a fault in force imposes on this RPC, if any (checked in this order)."""
    f = device.faults
    release = device.release_ns
    checks: list[tuple[bool, Callable[[], Outcome]]] = [
        (name in f.disconnect_on, lambda: Outcome("disconnect")),
        (name in f.hang_on, lambda: Outcome("hang")),
        (name in f.entity_expansion, lambda: Outcome(document=replies.entity_expansion_document(attrs, release))),
        (name in f.external_entity, lambda: Outcome(document=replies.external_entity_document(attrs, release))),
        (name in f.malformed_xml,
         lambda: Outcome(document=replies.malformed_document(attrs, device.lookup(name, args), release))),
        (f.large_reply is not None and f.large_reply[0] == name,
         lambda: Outcome(body=device.large_body(f.large_reply[1]))),  # type: ignore[index]
    ]
    return next((make() for hit, make in checks if hit), None)


def answer(device: SimDevice, name: str, op: etree._Element, args: dict[str, str | bool]) -> bytes:
    builtin = _BUILTIN.get(name)
    if builtin is not None:
        return builtin(device, op)
    rejected = [arg for arg in args if arg in REJECTED_ARGS.get(name, ())]
    reply = None if rejected else device.lookup(name, args)
    if reply is None:
        if rejected:
            return replies.rpc_error("syntax error", bad_element=rejected[0])
        if name == "file-show":
            return replies.rpc_error(f"could not resolve file: {args.get('filename', '')}")
        return replies.rpc_error("syntax error", bad_element=name)
    if (op.get("format") or "").lower() == "text":
        return _output(render_text(reply.payload))
    return reply.body


def run_command(device: SimDevice, words: list[str]) -> CommandResult:
    """Resolve CLI words to the device's answer (shared by the CLI shell and the <command> RPC)."""
    entries = commands.extra_entries(tuple(device.commands)) + commands.table()
    found = commands.match(words, entries)
    if found.entry is None:
        return CommandResult(None, error="unknown command.", bad_index=found.bad_index)
    entry = found.entry
    if entry.rpc == "get-configuration":
        return CommandResult("get-configuration", config_path=found.rest)
    if entry.rpc is None:
        return CommandResult(entry.cli, reply=device.commands[entry.cli])
    reply = device.lookup(entry.rpc, dict(entry.args))
    if reply is None:
        model = device.identity.model or "device"
        return CommandResult(entry.rpc, error=f"error: command is not valid on the {model}")
    return CommandResult(entry.rpc, reply=reply)


def config_text(device: SimDevice, path: tuple[str, ...], *, as_set: bool) -> str:
    """``show configuration [path] [| display set]``. Raises ConfigUnavailable without the configuration model."""
    if as_set:
        lines = device.config.set_text().splitlines()
        if path:
            head = "set " + " ".join(path)
            lines = [ln for ln in lines if ln == head or ln.startswith(head + " ")]
        return "\n".join(lines)
    if not path:
        return device.config.text.rstrip("\n")
    return device.config.subtree_text(list(path)) or ""


# ---------------------------------------------------------------------------------------------------------------


def _get_configuration(device: SimDevice, op: etree._Element) -> bytes:
    fmt = (op.get("format") or "xml").lower()
    try:
        if fmt == "text":
            return b"<configuration-text>" + escape(device.config.text).encode() + b"</configuration-text>"
        if fmt == "set":
            return b"<configuration-set>" + escape(device.config.set_text()).encode() + b"\n</configuration-set>"
        if fmt == "xml":
            return _config_xml(device, op.find("{*}configuration"), effective=op.get("inherit") == "inherit")
    except ConfigUnavailable as exc:
        return replies.rpc_error(str(exc), tag="operation-not-supported", error_type="application")
    return replies.rpc_error(f"format {fmt} is not supported by the lab simulator", bad_element="format")


def _config_xml(device: SimDevice, flt: etree._Element | None, *, effective: bool = False) -> bytes:
    if not device.config.text:
        return b"<configuration/>"
    return device.config.xml_body(flt, device.release_ns, effective=effective)


def _command(device: SimDevice, op: etree._Element) -> bytes:
    line = (op.text or "").split("|", 1)[0]
    words = line.split()
    fmt = (op.get("format") or "xml").lower()
    result = run_command(device, words)
    if result.error is not None:
        if result.bad_index is not None and words:
            return replies.rpc_error("syntax error, expecting <command>", bad_element=words[result.bad_index])
        return replies.rpc_error(result.error.removeprefix("error: "))
    if result.config_path is not None:
        return _command_config(device, result.config_path, fmt)
    assert result.reply is not None
    if fmt == "text":
        return _output(render_text(result.reply.payload))
    return result.reply.body


def _command_config(device: SimDevice, path: tuple[str, ...], fmt: str) -> bytes:
    """``show configuration [path]`` through <command>: text inside <configuration-output>, or XML."""
    try:
        if fmt == "text":
            text = escape(config_text(device, path, as_set=False)).encode()
            return b"<configuration-information><configuration-output>" + text + (
                b"\n</configuration-output></configuration-information>")
        return _config_xml(device, path_filter(path))
    except ConfigUnavailable as exc:
        return replies.rpc_error(str(exc), tag="operation-not-supported", error_type="application")


def path_filter(path: tuple[str, ...]) -> etree._Element | None:
    """A <get-configuration> filter for a ``show configuration`` path (containers only: ``system services``)."""
    if not path:
        return None
    root = etree.Element("configuration")
    node = root
    for word in path:
        node = etree.SubElement(node, word)
    return root


def _netconf_filter(op: etree._Element) -> etree._Element | None:
    """The <configuration> inside a NETCONF <get-config><filter> (subtree filter), if any."""
    flt = op.find("{*}filter")
    return None if flt is None else flt.find("{*}configuration")


def _file_list(device: SimDevice) -> bytes:
    # Shape of a real <file-list path="~"/> reply (py-junos-eznc tests/unit/facts/rpc-reply/file_list_file-list.xml).
    home = f"/var/home/{escape(device.username)}/"
    return (
        f'<directory-list root-path="{home}" junos:style="brief">\n<directory name="{home}">\n'
        f"<directory-name>{home}</directory-name>\n<total-file-blocks>0</total-file-blocks>\n"
        f"<total-files>0</total-files>\n</directory>\n</directory-list>"
    ).encode()


def _output(text: str) -> bytes:
    return b"<output>\n" + escape(text).encode() + b"\n</output>"


_BUILTIN: dict[str, Callable[[SimDevice, etree._Element], bytes]] = {
    "get-configuration": _get_configuration,
    "get-config": lambda device, op: b"<data>" + _config_xml(device, _netconf_filter(op)) + b"</data>",
    "command": _command,
    "file-list": lambda device, op: _file_list(device),
}
