"""Recognising a customer-provided file by its content (never by its name).

XML replies: the payload's root element decides the RPC (collectors/data/reply_roots.yaml), unless a CLI prompt line
on top names the command (``user@host> show system alarms | display xml``). Configurations: by shape (XML
``<configuration>``, ``set`` lines, curly text). CLI text: ``show version`` and ``show chassis hardware`` by their
first lines; other CLI text only when its prompt line names a command of the table. Anything else is ignored
with the reason, for meta.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree

from msplus import xmlsafe
from msplus.commandtable import load_commands, normalise_cli
from msplus.errors import InputError, MalformedReplyError
from snapshots import cli_text

ROOTS_FILE = Path(__file__).with_name("data") / "reply_roots.yaml"
MAX_BYTES = 512 * 1024 * 1024
_PROMPT = re.compile(r"^\s*(?:\{[\w:]+\}\s*)?[\w.@-]+@[\w.-]+[>#%]\s*(?P<command>.*?)\s*$")
_PREAMBLE = re.compile(r"^\s*$|^Last login:|^--- JUNOS |^\{[\w:]+\}\s*$")
_SET_VERBS = ("set ", "deactivate ", "delete ", "activate ", "protect ", "insert ")


@dataclass(frozen=True, slots=True)
class Recognised:
    """What a file answers: ``rpc`` (with ``args`` when a prompt line names them), and its ``form``:
    ``xml`` (an RPC reply), ``text`` (CLI text), or a configuration as ``conf`` (curly), ``set`` or ``xmlconf``."""

    path: Path
    rpc: str
    form: str
    command: str | None = None
    args: tuple[tuple[str, str | bool], ...] | None = None


@dataclass(frozen=True, slots=True)
class Ignored:
    path: Path
    reason: str


def recognise(path: Path) -> Recognised | Ignored:
    size = path.stat().st_size
    if size == 0:
        return Ignored(path, "empty file")
    if size > MAX_BYTES:
        return Ignored(path, f"larger than {MAX_BYTES // 2**20} MB")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return Ignored(path, "binary file")
    text = data.decode("utf-8", errors="replace")
    command, body = _split_prompt(text)
    known = load_commands().rpc_for(command) if command else None
    stripped = body.lstrip()
    if stripped.startswith("<"):
        return _recognise_xml(path, data, command, known)
    if re.match(r'\{\s*"', stripped):
        return Ignored(path, "JSON output (| display json) is not read; please send | display xml")
    return _recognise_text(path, body, command, known)


def _split_prompt(text: str) -> tuple[str | None, str]:
    """The command of a leading ``user@host> command`` line, and the text after it. A login banner above the
    prompt (``Last login: ...``, ``--- JUNOS 19.4R1.10 built ...``, ``{master:0}``) is skipped."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines[:10]):
        match = _PROMPT.match(line)
        if match:
            return (match["command"] or None), "".join(lines[index + 1 :])
        if not _PREAMBLE.match(line):
            break
    return None, text


def _recognise_xml(path: Path, data: bytes, command: str | None,
                   known: tuple[str, tuple[tuple[str, str | bool], ...]] | None) -> Recognised | Ignored:
    try:
        root = xmlsafe.parse_pasted(data, source=path.name)
    except MalformedReplyError as exc:
        return Ignored(path, f"XML that cannot be read safely: {exc}")
    payload = xmlsafe.unwrap_reply(root)
    tag = _payload_tag(payload)
    if tag == "rpc-error" or (tag == "error" and "xnm" in str(payload.tag)):
        # An error the customer pasted: which RPC it answers only the prompt can say.
        if known:
            return Recognised(path, known[0], "xml", command, known[1])
        return Ignored(path, "an error reply without a prompt line naming the command")
    if known:
        form = "xmlconf" if tag == "configuration" else "xml"
        return Recognised(path, known[0], form, command, known[1])
    rpc = _roots().get(tag)
    if rpc is None:
        return Ignored(path, f"XML reply <{tag}> answers no RPC of the plan")
    return Recognised(path, rpc, "xmlconf" if tag == "configuration" else "xml", command)


def _payload_tag(payload: etree._Element) -> str:
    tag = xmlsafe.local(payload.tag)
    if tag == "multi-routing-engine-results":
        for el in payload.iter():
            name = xmlsafe.local(el.tag)
            if name not in ("multi-routing-engine-results", "multi-routing-engine-item", "re-name", ""):
                return name
    return tag


def _recognise_text(path: Path, body: str, command: str | None,
                    known: tuple[str, tuple[tuple[str, str | bool], ...]] | None) -> Recognised | Ignored:
    shape = configuration_shape(body)
    if shape:
        return Recognised(path, "get-configuration", shape, command)
    if cli_text.looks_like_show_version(body):
        return Recognised(path, "get-software-information", "text", command)
    if cli_text.looks_like_chassis_hardware(body):
        return Recognised(path, "get-chassis-inventory", "text", command)
    if known:
        return Recognised(path, known[0], "text", command, known[1])
    first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
    if command:
        return Ignored(path, f"CLI output of {normalise_cli(command)!r}, a command this tool does not read")
    return Ignored(path, f"not recognised (first line: {first[:60]!r})")


def configuration_shape(text: str) -> str | None:
    """``set`` for set lines, ``conf`` for curly-brace text, None for anything else."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("#", "/*", "*", "{master", "{primary", "{backup"))]
    if len(lines) < 2:
        return None
    if lines[0].startswith("set ") and sum(ln.startswith(_SET_VERBS) for ln in lines) >= 0.9 * len(lines):
        return "set"
    first_ok = re.match(r"^(version \S+;|[\w-]+( [\w\".:/-]+)* \{)$", lines[0])
    shaped = sum(ln.endswith(("{", "}", ";")) or ln.startswith("}") for ln in lines)
    if first_ok and shaped >= 0.9 * len(lines) and text.count("{") == text.count("}"):
        return "conf"
    return None


@lru_cache(maxsize=1)
def _roots() -> dict[str, str]:
    data = yaml.safe_load(ROOTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("roots"), dict):
        raise InputError("expected schema_version: 1 and roots: {element: rpc}", path=str(ROOTS_FILE))
    return {str(k): str(v) for k, v in data["roots"].items()}
