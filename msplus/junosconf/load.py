"""Reading a configuration from text, set lines, XML, a file or a snapshot folder, with the form detected."""

from __future__ import annotations

import re
from pathlib import Path

from msplus.errors import InputError
from msplus.gcpause import paused_gc
from msplus.junosconf import schema, setform, textform
from msplus.junosconf.node import Node
from msplus.junosconf.tree import ConfigTree

# Lines a paste may carry around the configuration: a CLI prompt with the command, "[edit]", "{master:0}".
_PROMPT = re.compile(
    r"^\s*(?:\S+@[^\s>#%]+[>#%](?:\s.*)?|show\s+configuration\b.*|\[edit[^\]]*\]"
    r"|\{(?:master|backup|primary|secondary|linecard|local)[^}]*\})\s*$"
)
_SET_VERBS = setform.VERBS - {"top", "up", "exit", "edit"}
SNAPSHOT_FILES = ("configuration.conf", "configuration.xml", "configuration.set")


def _blank_prompts(text: str) -> str:
    """Prompt lines at the start or end become empty lines (line numbers stay those of the file)."""
    edges = text[:2000].split("\n")[:-1] + text[-2000:].split("\n")[1:]
    if not any(_PROMPT.match(line) for line in edges):
        return text
    lines = text.split("\n")
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            if not lines[i].strip():
                continue
            if not _PROMPT.match(lines[i]):
                break
            lines[i] = ""
    return "\n".join(lines)


def detect(text: str) -> str:
    """The form of ``text``: "xml", "set" or "text", judged on the first meaningful line."""
    for line in text.split("\n", 200)[:200]:
        s = line.strip()
        if not s or s.startswith("#") or _PROMPT.match(line):
            continue
        if s.startswith("<"):
            return "xml"
        first = s.split(None, 1)[0]
        return "set" if first in _SET_VERBS else "text"
    return "text"


def parse(data: str | bytes, source: str = "<config>") -> ConfigTree:
    """Read a configuration in any form (curly text, set lines, XML), detected from its first lines."""
    text = textform.decode(data, source)
    form = detect(text)
    if form == "xml":
        return parse_xml(data, source)
    if form == "set":
        return parse_set(text, source)
    return parse_text(text, source)


def parse_text(data: str | bytes, source: str = "<config>") -> ConfigTree:
    """Read curly-brace text (``show configuration`` output or a load file)."""
    text = _blank_prompts(textform.decode(data, source))
    return ConfigTree(textform.read_text(text, source), source, "text")


def parse_set(data: str | bytes, source: str = "<config>", first_line: int = 1) -> ConfigTree:
    """Read set commands (``show configuration | display set`` output or a change file). A ``delete``,
    ``deactivate`` etc. of an absent path is kept in ``tree.warnings``."""
    text = _blank_prompts(textform.decode(data, source))
    root = Node((), [], None, 0, source)
    root.schema = schema.root()
    tree = ConfigTree(root, source, "set")
    with paused_gc():
        for number, line in enumerate(text.split("\n"), first_line):
            if not line.strip():
                continue
            result = tree.apply_set_line(line, number, source)
            if result.status == "absent":
                tree.warnings.append(f"{source}:{result}")
    return tree


def parse_xml(data: str | bytes, source: str = "<config>") -> ConfigTree:
    """Read Junos XML: a ``<configuration>`` element, with or without ``<rpc-reply>``, namespaces and junos:
    attributes; also ``<configuration-text>``/``<configuration-output>``/``<configuration-set>`` wrappers."""
    from msplus.junosconf import xmlform

    el, offset = xmlform.parse_document(textform.decode(data, source).encode("utf-8"), source)
    form = xmlform.wrapped_form(el)
    if form is not None:
        body = el.text or ""
        first = (el.sourceline or 1) + offset
        if form == "set":
            return parse_set(body, source, first)
        return ConfigTree(textform.read_text(textform.decode(body, source), source, first), source, "text")
    return ConfigTree(xmlform.read_xml(el, source, offset), source, "xml")


def load(path: str | Path) -> ConfigTree:
    """Read a configuration file, or a snapshot folder holding configuration.conf (or .xml, or .set)."""
    p = Path(path)
    if p.is_dir():
        found = next((p / name for name in SNAPSHOT_FILES if (p / name).is_file()), None)
        if found is None:
            raise InputError(f"no {', '.join(SNAPSHOT_FILES)} in this folder", path=str(p))
        p = found
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file or folder", path=str(p)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(p)) from exc
    source = str(p)
    if p.suffix == ".xml":
        return parse_xml(data, source)
    if p.suffix == ".set":
        return parse_set(data, source)
    return parse(data, source)
