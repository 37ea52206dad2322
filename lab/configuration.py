"""A simulated device's configuration: kept as the curly text of config.conf, rendered to set and XML forms by the
project's configuration model (``msplus.junosconf``) once, on first use, then cached.

The text form is served exactly as stored (a real device prints its configuration with the "## Last commit" line),
so it needs no parsing. Set and XML forms, and ``show configuration <path>``, need the model.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from msplus import xmlsafe

_LAST_COMMIT = re.compile(r"^## Last commit: (?P<when>\S+ \S+ \S+) by (?P<user>\S+)", re.MULTILINE)


class ConfigUnavailable(Exception):
    """The configuration model (msplus.junosconf) is missing or cannot render this configuration."""


@dataclass(slots=True)
class DeviceConfig:
    text: str
    source: str
    _tree: Any = field(default=None, repr=False)
    _set: str | None = field(default=None, repr=False)
    _xml: dict[bool, etree._Element] = field(default_factory=dict, repr=False)
    _full: dict[tuple[str, bool], bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> DeviceConfig:
        """Read config.conf; when the configuration model is installed, parse it now so a bad file is refused at
        load time (ConfigSyntaxError names file, line and column)."""
        config = cls(text=path.read_text(encoding="utf-8"), source=str(path))
        if _junosconf() is not None:
            config.tree()
        return config

    @classmethod
    def empty(cls) -> DeviceConfig:
        return cls(text="", source="(no config.conf)")

    def tree(self) -> Any:
        if self._tree is None:
            model = _junosconf()
            if model is None:
                raise ConfigUnavailable("the configuration model msplus.junosconf is not installed")
            self._tree = model.parse(self.text, source=self.source)
        return self._tree

    def set_text(self) -> str:
        if self._set is None:
            lines = self.tree().to_set()
            self._set = lines if isinstance(lines, str) else "\n".join(lines)
        return self._set

    def xml(self, *, effective: bool = False) -> etree._Element:
        """The <configuration> element, as committed or (``effective``) with groups inherited, as
        ``inherit="inherit"`` asks. Cached; callers must not modify it."""
        if effective not in self._xml:
            tree = self.tree().effective() if effective else self.tree()
            root = xmlsafe.parse(tree.to_xml(), source=f"{self.source} (XML form)")
            for el in root.iter():  # annotations stay <junos:comment> (the namespace is the release's, in xml_body)
                if isinstance(el.tag, str) and el.tag.endswith("}comment") and "junos" in el.tag:
                    el.tag = _ANNOTATION
            xmlsafe.strip_namespaces(root)
            self._xml[effective] = root
        return self._xml[effective]

    def commit_attributes(self) -> dict[str, str]:
        """junos:commit-localtime/commit-user as a device puts them on <configuration>, from the header line."""
        match = _LAST_COMMIT.search(self.text[:500])
        if not match:
            return {}
        return {"commit-localtime": match.group("when"), "commit-user": match.group("user")}

    def xml_body(self, filter_el: etree._Element | None, release: str, *, effective: bool = False) -> bytes:
        """<configuration> (whole, or the parts a <get-configuration> filter selects) serialized for a reply."""
        whole = filter_el is None or not any(isinstance(c.tag, str) for c in filter_el)
        if whole and (release, effective) in self._full:
            return self._full[release, effective]
        root = self.xml(effective=effective)
        ns = f"http://xml.juniper.net/junos/{release}/junos"
        out = etree.Element("configuration", nsmap={"junos": ns})
        for name, value in self.commit_attributes().items():
            out.set(f"{{{ns}}}{name}", value)
        if whole:
            out.extend(_copy(c) for c in root if isinstance(c.tag, str))
            self._full[release, effective] = etree.tostring(_annotations(out, ns))
            return self._full[release, effective]
        _select(root, filter_el, out)
        return etree.tostring(_annotations(out, ns))

    def subtree_text(self, path: list[str]) -> str | None:
        """``show configuration <path>``: the text of the statement at ``path``, None if absent."""
        node = self.tree().find(path)
        return None if node is None else str(node.to_text())


_ANNOTATION = "junos-annotation"  # placeholder tag of a <junos:comment> while the tree is namespace-free


def _annotations(out: etree._Element, ns: str) -> etree._Element:
    """Annotations as a device writes them: ``<junos:comment>/* ... */</junos:comment>``."""
    for el in out.iter(_ANNOTATION):
        el.tag = f"{{{ns}}}comment"
    return out


def _select(config: etree._Element, flt: etree._Element, out: etree._Element) -> None:
    """Copy into ``out`` what the filter element's children select from ``config``: an empty filter element takes
    the whole matching element; one with a <name> child takes only the entry of that name; others recurse."""
    for want in flt:
        if not isinstance(want.tag, str):
            continue
        tag = xmlsafe.local(want.tag)
        children = [c for c in want if isinstance(c.tag, str)]
        key = next(((c.text or "").strip() for c in children if xmlsafe.local(c.tag) == "name"), None)
        for have in config.findall(tag):
            if key is not None and have.findtext("name") != key:
                continue
            rest = [c for c in children if xmlsafe.local(c.tag) != "name"] if key is not None else children
            if not rest:
                out.append(_copy(have))
                continue
            shell = etree.SubElement(out, have.tag)
            if key is not None:
                etree.SubElement(shell, "name").text = key
            sub = etree.Element("f")
            sub.extend(_copy(c) for c in rest)
            _select(have, sub, shell)


def _copy(el: etree._Element) -> etree._Element:
    dup = copy.deepcopy(el)
    dup.tail = None
    return dup


def _junosconf() -> Any:
    try:
        from msplus import junosconf
    except ImportError:
        return None
    # The model is written alongside this simulator; until its parse() exists, set/XML forms are unavailable.
    return junosconf if callable(getattr(junosconf, "parse", None)) else None
